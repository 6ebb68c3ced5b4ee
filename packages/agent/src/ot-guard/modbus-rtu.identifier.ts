import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import {
  ModbusRtuSplitter,
  crc16Modbus,
  parseModbusDeviceIdentification,
  type GuardEvent,
  type GuardPolicy,
  type ModbusRtuFrame,
} from '@outpost/guard';
import { IdentifyScheduler, identifyEvent, identifySettings, type IdentifyQuery } from './identify.scheduler.js';
import { modbusQueryText } from './modbus-tcp.identifier.js';
import type { IdentityListener } from './ot-guard.types.js';

// The Modbus RTU bridge's own identity queries (policy `identify`). A serial line is
// half-duplex: the guard sends Read Device Identification only between the master's
// transactions — no request of the master awaiting its reply (or given up on after
// STALE_REQUEST_MS), nothing half-received, and the line quiet for QUIET_MS. While its query is
// on the line, what the master sends is held (at most MAX_HELD_BYTES) and passed on once the
// answer is in or the query timed out, and what the device sends is the guard's answer alone.
// Broadcast (unit 0) and the reserved units 248–255 are never asked.

const QUIET_MS = 100;
const STALE_REQUEST_MS = 2000;
const MAX_HELD_BYTES = 512;
const TICK_MS = 100;

export interface RtuIdentifierOptions {
  device: Duplex;
  baudRate: number;
  deviceId: string;
  interfaceLabel: string;
  clock: () => number;
  schedulerNow?: () => number;
  /** Part of a master's request or a device's reply is buffered. */
  lineBusy(): boolean;
  onIdentity?: IdentityListener;
  onEvent(e: GuardEvent): void;
  /** Passes on the master's bytes held during a query. */
  release(held: Buffer[]): void;
}

const serialUnit = (u: number) => u >= 1 && u <= 247;

/** The RTU request frame: unit, FC 43, MEI 14, read device id code, first object, CRC. */
export function modbusRtuIdentifyFrame(q: IdentifyQuery): Buffer {
  const body = Uint8Array.from([q.address, 0x2b, 0x0e, q.basic ? 1 : 2, q.objectId]);
  const crc = crc16Modbus(body, 0, body.length);
  return Buffer.from([...body, crc & 0xff, crc >> 8]);
}

export class RtuIdentifier {
  readonly scheduler: IdentifyScheduler;
  private own: { q: IdentifyQuery; splitter: ModbusRtuSplitter; timer?: NodeJS.Timeout } | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Master bytes dropped because a query held the line too long. */
  droppedBytes = 0;
  private awaitingSince: number | undefined;
  private lastLineAt = -Infinity;
  private readonly seen = new Set<number>();
  private ticker: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly o: RtuIdentifierOptions) {
    this.scheduler = new IdentifyScheduler({
      now: o.schedulerNow ?? (() => performance.now()),
      seen: () => this.seen,
      link: { idle: () => this.idle(), send: (q) => this.send(q), abandon: () => this.end() },
      onSettled: (q, r) => {
        const base = { ts: o.clock(), deviceId: o.deviceId, protocol: 'modbus' as const };
        o.onEvent(identifyEvent({ ...base, interface: o.interfaceLabel, query: modbusQueryText(q) }, q, r));
      },
    });
  }

  setPolicy(policy: GuardPolicy): void {
    if (this.closed) return;
    this.scheduler.configure(identifySettings(policy.identify, policy.identify?.unitIds?.filter(serialUnit)));
    if (this.scheduler.enabled && !this.ticker) {
      this.ticker = setInterval(() => this.scheduler.tick(), TICK_MS);
      this.ticker.unref();
    } else if (!this.scheduler.enabled && this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  close(): void {
    this.closed = true;
    clearInterval(this.ticker);
    this.scheduler.configure(undefined);
    this.end();
  }

  /** True when the master's chunk was held because the guard's query is on the line. */
  hold(chunk: Buffer): boolean {
    if (!this.own) return false;
    if (this.heldBytes + chunk.length > MAX_HELD_BYTES) this.droppedBytes += chunk.length;
    else {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
    }
    return true;
  }

  /** True when the device's chunk answers the guard's query (and is kept from the master). */
  take(chunk: Buffer): boolean {
    const own = this.own;
    if (!own) return false;
    this.handle(own.splitter.push(chunk, performance.now()));
    if (this.own !== own) return true;
    clearTimeout(own.timer);
    const deadline = own.splitter.deadline();
    if (deadline !== undefined)
      own.timer = setTimeout(
        () => this.handle(own.splitter.flush(performance.now(), true)),
        Math.max(0, Math.ceil(deadline - performance.now())),
      );
    return true;
  }

  lineActivity(): void {
    this.lastLineAt = performance.now();
  }

  /** A master's request went to the device: its reply is due. */
  requested(unit: number): void {
    if (serialUnit(unit) && this.seen.size < 32) this.seen.add(unit);
    if (unit !== 0) this.awaitingSince = performance.now();
  }

  /** The device answered the master. */
  answered(): void {
    this.awaitingSince = undefined;
  }

  private idle(): boolean {
    const t = performance.now();
    if (this.own || this.o.lineBusy()) return false;
    if (this.awaitingSince !== undefined && t - this.awaitingSince < STALE_REQUEST_MS) return false;
    return t - this.lastLineAt >= QUIET_MS;
  }

  private send(q: IdentifyQuery): void {
    this.own = { q, splitter: new ModbusRtuSplitter({ direction: 'response', baudRate: this.o.baudRate }) };
    this.o.device.write(modbusRtuIdentifyFrame(q));
  }

  private handle(frames: ModbusRtuFrame[]): void {
    const own = this.own;
    if (!own) return;
    for (const f of frames) {
      const q = own.q;
      if (f.kind !== 'adu') return this.settle({ kind: 'failed', reason: `malformed:${f.reason}` });
      if (f.adu.unit !== q.address) continue;
      if (f.adu.pdu.exceptionCode !== undefined)
        return this.settle({ kind: 'exception', code: f.adu.pdu.exceptionCode });
      const id = parseModbusDeviceIdentification(f.adu.raw.subarray(1, f.adu.raw.length - 2));
      if (!id.ok) return this.settle({ kind: 'failed', reason: id.reason });
      this.o.onIdentity?.('modbus', q.address, id.identity, { source: 'active', interface: this.o.interfaceLabel });
      return this.settle({ kind: 'identified', ...(id.moreFollows ? { continueFrom: id.nextObjectId } : {}) });
    }
  }

  private settle(r: Parameters<IdentifyScheduler['settle']>[1]): void {
    const q = this.own?.q;
    if (!q) return;
    this.end(() => this.scheduler.settle(q.address, r));
  }

  /** Ends the query on the line and passes on what the master sent meanwhile. */
  private end(before?: () => void): void {
    if (!this.own) return;
    clearTimeout(this.own.timer);
    this.own = undefined;
    this.lastLineAt = performance.now();
    before?.();
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    if (held.length && !this.closed) this.o.release(held);
  }
}
