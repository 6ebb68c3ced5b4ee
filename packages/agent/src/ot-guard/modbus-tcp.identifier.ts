import net from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  ModbusTcpReassembler,
  parseModbusDeviceIdentification,
  type GuardEvent,
  type GuardPolicy,
} from '@outpost/guard';
import {
  IdentifyScheduler,
  identifyEvent,
  identifySettings,
  type IdentifyQuery,
  type SettledOutcome,
} from './identify.scheduler.js';
import type { LinkActivity } from './link-activity.js';
import type { IdentityListener } from './ot-guard.types.js';
import type { Endpoint } from './tcp-relay.server.js';

// Active identification behind a Modbus TCP guard: when the policy's `identify` is enabled and
// no master has a transaction in progress, the guard opens its own connection to the device,
// sends Read Device Identification (FC 43 / MEI 14) with its own transaction id, reads the
// answer and closes. Nothing of it passes through a master's connection or its statistics;
// each query is a `guard.identify` event.

const MBAP_LENGTH = 7;
const TICK_MS = 200;
/** Transaction ids of the guard's own queries: 0xA000 upwards (its own connection anyway). */
const TID_BASE = 0xa000;

export interface ModbusTcpIdentifierOptions {
  upstream: Endpoint;
  deviceId: string;
  /** "tcp:host:port", as the hub shows where the device sits. */
  interfaceLabel: string;
  activity: LinkActivity;
  /** Milliseconds since the epoch, for event times. */
  clock: () => number;
  /** Time for the scheduler (intervals, timeouts); default the monotonic clock. */
  schedulerNow?: () => number;
  onIdentity?: IdentityListener;
  onEvent?: (e: GuardEvent) => void;
  tickMs?: number;
}

export interface ModbusTcpIdentifier {
  setPolicy(policy: GuardPolicy): void;
  readonly scheduler: IdentifyScheduler;
  close(): void;
}

/** The request ADU: unit, FC 43, MEI 14, read device id code (1 basic, 2 regular), first object. */
export function modbusTcpIdentifyAdu(tid: number, q: IdentifyQuery): Uint8Array {
  return Uint8Array.from([tid >> 8, tid & 0xff, 0, 0, 0, 5, q.address, 0x2b, 0x0e, q.basic ? 1 : 2, q.objectId]);
}

export function modbusQueryText(q: IdentifyQuery): string {
  return `modbus fc43/14 code ${q.basic ? 1 : 2} object ${q.objectId}`;
}

export function createModbusTcpIdentifier(o: ModbusTcpIdentifierOptions): ModbusTcpIdentifier {
  let socket: net.Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let counter = 0;
  let closed = false;

  const event = (q: IdentifyQuery, r: SettledOutcome) => {
    const base = { ts: o.clock(), deviceId: o.deviceId, protocol: 'modbus' as const, interface: o.interfaceLabel };
    try {
      o.onEvent?.(identifyEvent({ ...base, query: modbusQueryText(q) }, q, r));
    } catch {
      // A failing event sink must never stop the guard.
    }
  };

  const scheduler: IdentifyScheduler = new IdentifyScheduler({
    now: o.schedulerNow ?? (() => performance.now()),
    seen: () => o.activity.seen(),
    link: {
      idle: () => o.activity.idle(),
      send: (q) => send(q),
      abandon: () => drop(),
    },
    onSettled: event,
  });

  function drop(): void {
    socket?.destroy();
    socket = undefined;
  }

  function send(q: IdentifyQuery): void {
    const tid = TID_BASE + (counter++ & 0x0fff);
    const s = net.connect({ host: o.upstream.host, port: o.upstream.port });
    socket = s;
    const replies = new ModbusTcpReassembler('response');
    const settle = (r: Parameters<IdentifyScheduler['settle']>[1]) => {
      if (socket !== s) return;
      drop();
      scheduler.settle(q.address, r);
    };
    s.setNoDelay(true);
    s.on('connect', () => s.write(modbusTcpIdentifyAdu(tid, q)));
    s.on('error', (err: NodeJS.ErrnoException) => settle({ kind: 'failed', reason: err.code ?? 'socket_error' }));
    s.on('close', () => settle({ kind: 'failed', reason: 'closed_by_device' }));
    s.on('data', (chunk: Buffer) => {
      for (const f of replies.push(chunk)) {
        if (f.kind !== 'adu') return settle({ kind: 'failed', reason: `malformed:${f.reason}` });
        if (f.adu.transactionId !== tid || f.adu.unit !== q.address) continue;
        if (f.adu.pdu.exceptionCode !== undefined) return settle({ kind: 'exception', code: f.adu.pdu.exceptionCode });
        const id = parseModbusDeviceIdentification(f.adu.raw.subarray(MBAP_LENGTH));
        if (!id.ok) return settle({ kind: 'failed', reason: id.reason });
        o.onIdentity?.('modbus', q.address, id.identity, { source: 'active', interface: o.interfaceLabel });
        return settle({ kind: 'identified', ...(id.moreFollows ? { continueFrom: id.nextObjectId } : {}) });
      }
    });
  }

  return {
    scheduler,
    setPolicy(policy) {
      if (closed) return;
      scheduler.configure(identifySettings(policy.identify, policy.identify?.unitIds));
      if (scheduler.enabled && !timer) {
        timer = setInterval(() => scheduler.tick(), o.tickMs ?? TICK_MS);
        timer.unref();
      } else if (!scheduler.enabled && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    close() {
      closed = true;
      clearInterval(timer);
      timer = undefined;
      scheduler.configure(undefined);
      drop();
    },
  };
}
