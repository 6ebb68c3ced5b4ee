import net from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  Dnp3StreamParser,
  crc16Dnp,
  parseDnp3DeviceAttributes,
  type GuardEvent,
  type GuardPolicy,
} from '@outpost/guard';
import { IdentifyScheduler, identifyEvent, identifySettings, type IdentifyQuery } from './identify.scheduler.js';
import type { LinkActivity } from './link-activity.js';
import type { IdentityListener } from './ot-guard.types.js';
import type { Endpoint } from './tcp-relay.server.js';

// Active identification behind a DNP3 TCP guard (policy `identify`): when masters have been quiet,
// the guard opens its own connection to the outstation and READs the group 0 device attributes
// the inventory shows — g0v252 manufacturer, v250 product, v242 software version, v243 hardware
// version, v246 user-assigned id — from `masterAddress` (default 1). An outstation that answers
// with IIN "function not supported" or "object unknown" is not asked again under this policy.

const TICK_MS = 200;
const ATTRIBUTES = [252, 250, 242, 243, 246];
/** IIN2 bits (low octet): no function code support, object unknown. */
const IIN_UNSUPPORTED = 0x0003;

function withCrc(b: number[]): number[] {
  const crc = crc16Dnp(Uint8Array.from(b));
  return [...b, crc & 0xff, crc >> 8];
}

/** A READ of the device attributes, one link frame (unconfirmed user data) with its CRCs. */
export function dnp3IdentifyRequest(outstation: number, master: number, seq: number): Uint8Array {
  const objects = ATTRIBUTES.flatMap((v) => [0, v, 0x00, 0, 0]);
  const user = [0xc0 | (seq & 0x3f), 0xc0 | (seq & 0x0f), 0x01, ...objects];
  const head = withCrc([
    0x05,
    0x64,
    5 + user.length,
    0xc4,
    outstation & 0xff,
    outstation >> 8,
    master & 0xff,
    master >> 8,
  ]);
  const blocks: number[] = [];
  for (let i = 0; i < user.length; i += 16) blocks.push(...withCrc(user.slice(i, i + 16)));
  return Uint8Array.from([...head, ...blocks]);
}

export const dnp3QueryText = () => `dnp3 read g0v${ATTRIBUTES.join(',')}`;

export interface Dnp3TcpIdentifierOptions {
  upstream: Endpoint;
  deviceId: string;
  interfaceLabel: string;
  activity: LinkActivity;
  /** The link address masters use (seen in their requests), when the policy names none. */
  masterSeen: () => number | undefined;
  clock: () => number;
  schedulerNow?: () => number;
  onIdentity?: IdentityListener;
  onEvent?: (e: GuardEvent) => void;
}

export function createDnp3TcpIdentifier(o: Dnp3TcpIdentifierOptions) {
  let socket: net.Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let master = 1;
  let seq = 0;
  let current: GuardPolicy | undefined;
  let closed = false;
  const scheduler: IdentifyScheduler = new IdentifyScheduler({
    now: o.schedulerNow ?? (() => performance.now()),
    seen: () => o.activity.seen(),
    link: { idle: () => o.activity.idle(), send: (q) => send(q), abandon: () => drop() },
    onSettled: (q, r) => {
      const base = { ts: o.clock(), deviceId: o.deviceId, protocol: 'dnp3' as const, interface: o.interfaceLabel };
      try {
        o.onEvent?.(identifyEvent({ ...base, query: dnp3QueryText() }, q, r));
      } catch {
        // A failing event sink must never stop the guard.
      }
    },
  });

  function drop(): void {
    socket?.destroy();
    socket = undefined;
  }

  function send(q: IdentifyQuery): void {
    const s = net.connect({ host: o.upstream.host, port: o.upstream.port });
    socket = s;
    const parser = new Dnp3StreamParser();
    const settle = (r: Parameters<IdentifyScheduler['settle']>[1]) => {
      if (socket !== s) return;
      drop();
      scheduler.settle(q.address, r);
    };
    s.on('connect', () => s.write(dnp3IdentifyRequest(q.address, master, seq++)));
    s.on('error', (err: NodeJS.ErrnoException) => settle({ kind: 'failed', reason: err.code ?? 'socket_error' }));
    s.on('close', () => settle({ kind: 'failed', reason: 'closed_by_device' }));
    s.on('data', (chunk: Buffer) => {
      for (const item of parser.push(chunk)) {
        if (!item.fragment || !item.app || item.link?.source !== q.address) continue;
        if ((item.app.iin ?? 0) & IIN_UNSUPPORTED) return settle({ kind: 'exception', code: 1 });
        const id = parseDnp3DeviceAttributes(item.fragment);
        if (!id.ok) return settle({ kind: 'failed', reason: id.reason });
        o.onIdentity?.('dnp3', q.address, id.identity, { source: 'active', interface: o.interfaceLabel });
        return settle({ kind: 'identified' });
      }
    });
  }

  return {
    scheduler,
    setPolicy(policy: GuardPolicy): void {
      if (closed) return;
      current = policy;
      master = policy.identify?.masterAddress ?? o.masterSeen() ?? 1;
      scheduler.configure(identifySettings(policy.identify, policy.identify?.outstations));
      if (scheduler.enabled && !timer) {
        timer = setInterval(() => {
          master = current?.identify?.masterAddress ?? o.masterSeen() ?? master;
          scheduler.tick();
        }, TICK_MS);
        timer.unref();
      } else if (!scheduler.enabled && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    },
    close(): void {
      closed = true;
      clearInterval(timer);
      scheduler.configure(undefined);
      drop();
    },
  };
}
