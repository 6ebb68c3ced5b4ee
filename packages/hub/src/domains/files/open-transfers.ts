import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FileOutcome } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';

/** The device's content for a `read`, as it streams in. `done` tells the device's request how it went. */
export interface ArrivingContent {
  body: Readable;
  size: number;
  sha256: string;
  offset: number;
  done(err?: Error): void;
}

/** The first thing that happened to a transfer the hub is waiting on. */
export type Arrival =
  { kind: 'content'; content: ArrivingContent } | { kind: 'outcome'; outcome: FileOutcome } | { kind: 'timeout' };

interface Open {
  deviceId: string;
  token: Buffer;
  /** For a write: the spooled bytes the device fetches. */
  upload?: { open(): Readable; size: number };
  settle(a: Arrival): void;
}

/**
 * Transfers the hub has asked a device for and waits on, in memory: the device answers over HTTPS
 * on this hub (the command carries this hub's URL). Each has a one-time token, answers once, and
 * ends by itself when `timeoutMs` passes.
 */
export function createOpenTransfers(clock: Clock) {
  const open = new Map<string, Open>();

  function begin(
    id: string,
    deviceId: string,
    timeoutMs: number,
    upload?: Open['upload'],
  ): { token: string; arrival: Promise<Arrival> } {
    const token = randomBytes(24).toString('base64url');
    const arrival = new Promise<Arrival>((resolve) => {
      const timer = clock.after(timeoutMs, () => settle({ kind: 'timeout' }));
      function settle(a: Arrival) {
        if (!open.delete(id)) return;
        timer.cancel();
        resolve(a);
      }
      open.set(id, { deviceId, token: Buffer.from(token), upload, settle });
    });
    return { token, arrival };
  }

  /** The open transfer of this device with this token, or null (unknown, another device's, ended, wrong token). */
  function claim(id: string, deviceId: string, token: string | undefined): Open | null {
    const t = open.get(id);
    if (!t || t.deviceId !== deviceId || !token) return null;
    const given = Buffer.from(token);
    if (given.length !== t.token.length || !timingSafeEqual(given, t.token)) return null;
    return t;
  }

  return {
    begin,
    claim,
    size: () => open.size,
    /** Ends one transfer as timed out (its command could not be sent). */
    abandon(id: string) {
      open.get(id)?.settle({ kind: 'timeout' });
    },
    /** Ends every open transfer (the hub stops). */
    closeAll() {
      for (const t of [...open.values()]) t.settle({ kind: 'timeout' });
    },
  };
}

export type OpenTransfers = ReturnType<typeof createOpenTransfers>;
