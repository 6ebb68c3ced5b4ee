import type { Duplex } from 'node:stream';
import { ConsoleScanner, type GuardConsoleEvent } from '@outpost/guard';

// A transparent tap between a maintenance terminal and a device's serial console: every
// byte passes unchanged in both directions, while the text is watched for login prompts
// and plain-text credentials (the scanner reports only which pattern matched, never the
// text). Use of the port is reported as sessions: a session starts with the first byte
// and ends after `idleMs` of silence (or when the tap closes), with its duration and the
// bytes sent each way.

export interface ConsoleSessionStats {
  port: string;
  startedAt: number;
  durationMs: number;
  bytesFromTerminal: number;
  bytesFromDevice: number;
  prompts: number;
  credentials: number;
  closeReason: 'idle' | 'closed';
}

export interface ConsoleTapOptions {
  terminal: Duplex;
  device: Duplex;
  /** Port name in events, e.g. "/dev/ttyS1". */
  port: string;
  clock: () => number;
  onEvent: (e: GuardConsoleEvent) => void;
  onSession: (s: ConsoleSessionStats) => void;
  /** Silence that ends a session. Default 5 minutes. */
  idleMs?: number;
}

export interface ConsoleTap {
  /** The session in progress, if any. */
  current(): ConsoleSessionStats | undefined;
  close(): void;
}

export function createConsoleTap(o: ConsoleTapOptions): ConsoleTap {
  const idleMs = o.idleMs ?? 300_000;
  const fromDevice = new ConsoleScanner({ port: o.port });
  const fromTerminal = new ConsoleScanner({ port: o.port });
  let session: (ConsoleSessionStats & { lastAt: number }) | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const end = (reason: ConsoleSessionStats['closeReason']) => {
    clearTimeout(idleTimer);
    if (!session) return;
    const { lastAt, ...s } = session;
    session = undefined;
    o.onSession({
      ...s,
      durationMs: Math.max(0, (reason === 'idle' ? lastAt : o.clock()) - s.startedAt),
      closeReason: reason,
    });
  };

  const seen = (chunk: Buffer, side: 'terminal' | 'device') => {
    const now = o.clock();
    session ??= {
      port: o.port,
      startedAt: now,
      lastAt: now,
      durationMs: 0,
      bytesFromTerminal: 0,
      bytesFromDevice: 0,
      prompts: 0,
      credentials: 0,
      closeReason: 'closed',
    };
    session.lastAt = now;
    if (side === 'terminal') session.bytesFromTerminal += chunk.length;
    else session.bytesFromDevice += chunk.length;
    for (const e of (side === 'terminal' ? fromTerminal : fromDevice).push(chunk, now)) {
      if (e.type === 'guard.login_prompt') session.prompts++;
      else session.credentials++;
      o.onEvent(e);
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => end('idle'), idleMs);
    idleTimer.unref();
  };

  const onTerminal = (chunk: Buffer) => {
    o.device.write(chunk);
    seen(chunk, 'terminal');
  };
  const onDevice = (chunk: Buffer) => {
    o.terminal.write(chunk);
    seen(chunk, 'device');
  };
  o.terminal.on('data', onTerminal);
  o.device.on('data', onDevice);

  return {
    current: () => (session ? { ...session, durationMs: o.clock() - session.startedAt } : undefined),
    close() {
      if (closed) return;
      closed = true;
      o.terminal.off('data', onTerminal);
      o.device.off('data', onDevice);
      end('closed');
    },
  };
}
