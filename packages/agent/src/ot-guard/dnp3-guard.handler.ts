import {
  Dnp3StreamParser,
  GuardEngine,
  parseDnp3DeviceAttributes,
  requestFromDnp3,
  responseFromDnp3,
  type Dnp3StreamItem,
  type GuardRequest,
} from '@outpost/guard';
import type { RelayContext, RelayHandler } from './tcp-relay.server.js';
import type { IdentityListener } from './ot-guard.types.js';
import type { LinkActivity } from './link-activity.js';

// The DNP3 guard of one master's byte stream, over TCP (dnp3-tcp.proxy.ts) or a serial line
// (dnp3-serial.bridge.ts). DNP3 has no exception reply at the link layer, so a blocked request
// is dropped. The application function is only known once a fragment is complete, so in
// enforce mode the link frames of a multi-frame request are held (bounded by the transport
// limit, 2048 octets) and forwarded together or dropped together; single-frame requests, the
// usual case, are decided and forwarded at once. Link-layer service frames (link status,
// reset) carry no application function and pass unless the master itself is not allowed.
// Frames with bad CRCs or transport errors fail closed in enforce mode; the stream resyncs on
// the next 0x05 0x64 start octets. In monitor and alert modes every byte is forwarded as
// received and only inspected. Outstation traffic passes through untouched.

const MAX_HELD_FRAMES = 16;

function decide(engine: GuardEngine, ctx: RelayContext, req: GuardRequest, clock: () => number): boolean {
  const verdict = engine.inspect(req, { master: ctx.master, nowMs: clock() });
  ctx.emit(verdict.events);
  ctx.stats.requests[req.class]++;
  if (verdict.decision.action === 'block') ctx.stats.blocked++;
  if (verdict.decision.action === 'alert') ctx.stats.alerted++;
  return verdict.decision.action !== 'block';
}

class EnforcingForwarder {
  private readonly held = new Map<string, Uint8Array[]>();

  constructor(
    private readonly engine: GuardEngine,
    private readonly ctx: RelayContext,
    private readonly clock: () => number,
  ) {}

  handle(item: Dnp3StreamItem): void {
    const key = item.link ? `${item.link.source}>${item.link.destination}` : '';
    const req = requestFromDnp3(item);
    if (!req) return item.transport ? this.hold(key, item) : this.linkService(item);
    const earlier = item.transport?.fir ? [] : (this.held.get(key) ?? []);
    this.held.delete(key);
    if (decide(this.engine, this.ctx, req, this.clock))
      for (const raw of [...earlier, item.raw]) this.ctx.toDevice(raw);
  }

  private hold(key: string, item: Dnp3StreamItem): void {
    const list = item.transport?.fir ? [] : this.held.get(key);
    if (!list || list.length >= MAX_HELD_FRAMES) {
      this.held.delete(key);
      return;
    }
    list.push(item.raw);
    this.held.set(key, list);
  }

  private linkService(item: Dnp3StreamItem): void {
    const masters = this.engine.policy.allowedMasters;
    if (!masters || masters.includes(this.ctx.master)) this.ctx.toDevice(item.raw);
  }
}

/** Inspection of one master's DNP3 stream (and its outstation's replies) by the engine. */
export function dnp3Handler(
  engine: GuardEngine,
  clock: () => number,
  onIdentity?: IdentityListener,
  activity?: LinkActivity,
) {
  return (ctx: RelayContext): RelayHandler => {
    const requests = new Dnp3StreamParser();
    const responses = new Dnp3StreamParser();
    const enforcing = new EnforcingForwarder(engine, ctx, clock);
    return {
      fromMaster(chunk) {
        activity?.touch();
        for (const item of requests.push(chunk)) {
          if (activity && item.link) {
            activity.saw(item.link.destination);
            activity.masterAddress = item.link.source;
          }
          if (engine.policy.mode === 'enforce') {
            enforcing.handle(item);
            continue;
          }
          ctx.toDevice(item.raw);
          const req = requestFromDnp3(item);
          if (req) decide(engine, ctx, req, clock);
        }
      },
      fromDevice(chunk) {
        activity?.touch();
        ctx.toMaster(chunk);
        for (const item of responses.push(chunk)) {
          if (item.app) ctx.stats.responses++;
          if (onIdentity && item.fragment && item.link) {
            // The outstation's address is the source of its reply's link frames.
            const id = parseDnp3DeviceAttributes(item.fragment);
            if (id.ok) onIdentity('dnp3', item.link.source, id.identity);
          }
          const resp = responseFromDnp3(item);
          if (!resp) continue;
          const events = engine.inspectReply(resp, { master: ctx.master, nowMs: clock() });
          if (events.length) ctx.emit(events);
        }
      },
    };
  };
}
