import { performance } from 'node:perf_hooks';
import {
  GuardEngine,
  ModbusTcpReassembler,
  malformedModbusRequest,
  parseModbusDeviceIdentification,
  requestFromModbusTcp,
  responseFromModbusTcp,
  type GuardRequest,
  type ModbusTcpFrame,
} from '@outpost/guard';
import { createTcpRelay, type RelayContext, type RelayHandler } from './tcp-relay.server.js';
import type { GuardProxy, GuardProxyOptions, IdentityListener } from './ot-guard.types.js';
import { ModbusReplyQueue } from './modbus-reply.queue.js';
import { LinkActivity } from './link-activity.js';
import { createModbusTcpIdentifier } from './modbus-tcp.identifier.js';
import { tcpInterface } from './field-interface.js';

// Inline Modbus TCP guard. Per connection: requests are reassembled into ADUs, each ADU is
// decided on its own and, when allowed, forwarded byte for byte as soon as it is complete,
// in arrival order; nothing is delayed by timers. Blocked requests are answered at once with
// an exception ADU carrying the same transaction and unit id (masters pair replies by
// transaction id, MBAP §3.1.3) or dropped, as the policy says. Responses pass through
// untouched, one ADU at a time, in request order (modbus-reply.queue.ts): a blocked request's
// exception waits for the device's replies to the requests before it.
//
// Bounds per connection: past SOFT_IN_FLIGHT requests awaiting a reply the guard stops reading
// from the master until replies come back; a master that still has more than MAX_IN_FLIGHT in
// flight (pipelined in what was already read) is disconnected with a guard.overload event.
// Bytes held for a side that does not read are bounded by the relay (tcp-relay.server.ts).
//
// Framing errors (impossible MBAP header): in enforce mode the bytes are dropped and the
// connection is closed, because the next ADU boundary cannot be found reliably; in monitor
// and alert modes the bytes are forwarded as received.
//
// With the policy's `identify` enabled the guard also asks the device for its identity itself,
// on its own connection, while no master has a request in flight (modbus-tcp.identifier.ts).

const SOFT_IN_FLIGHT = 32;
const MAX_IN_FLIGHT = 256;
const REPLY_TIMEOUT_MS = 10_000;
/** The line counts as idle for the guard's own queries after this long without traffic. */
const IDLE_QUIET_MS = 500;

interface Connection {
  ctx: RelayContext;
  engine: GuardEngine;
  clock: () => number;
  replies: ModbusReplyQueue;
  onIdentity?: IdentityListener;
  activity: LinkActivity;
}

// MBAP header length: the PDU of a TCP ADU starts after it.
const MBAP_LENGTH = 7;

function decide(engine: GuardEngine, ctx: RelayContext, req: GuardRequest, clock: () => number) {
  const verdict = engine.inspect(req, { master: ctx.master, nowMs: clock() });
  ctx.emit(verdict.events);
  ctx.stats.requests[req.class]++;
  if (verdict.decision.action === 'block') ctx.stats.blocked++;
  if (verdict.decision.action === 'alert') ctx.stats.alerted++;
  return verdict.decision;
}

function handleRequest(frame: ModbusTcpFrame, c: Connection): void {
  const { ctx, engine, clock, replies } = c;
  if (frame.kind === 'malformed') {
    const d = decide(engine, ctx, malformedModbusRequest(frame.reason, 'tcp', frame.header), clock);
    if (d.action !== 'block') return ctx.toDevice(frame.raw);
    return ctx.close(`malformed_framing:${frame.reason}`);
  }
  const d = decide(engine, ctx, requestFromModbusTcp(frame.adu), clock);
  c.activity.saw(frame.adu.unit);
  if (d.action !== 'block') {
    replies.forwarded(frame.adu.transactionId);
    ctx.toDevice(frame.adu.raw);
  } else if (d.response) replies.answer(d.response);
  if (replies.inFlight > MAX_IN_FLIGHT) return ctx.overload('requests_in_flight', replies.inFlight, MAX_IN_FLIGHT);
  if (replies.inFlight >= SOFT_IN_FLIGHT) ctx.holdMaster('in_flight', true);
}

function handleResponse(frame: ModbusTcpFrame, c: Connection): void {
  const { ctx, replies, engine, clock } = c;
  ctx.stats.responses++;
  ctx.toMaster(frame.kind === 'adu' ? frame.adu.raw : frame.raw);
  if (frame.kind !== 'adu') return replies.lost();
  const events = engine.inspectReply(responseFromModbusTcp(frame.adu), { master: ctx.master, nowMs: clock() });
  if (events.length) ctx.emit(events);
  if (frame.adu.pdu.exceptionCode !== undefined) ctx.stats.exceptions++;
  else if (frame.adu.pdu.fc === 0x2b && c.onIdentity) {
    const id = parseModbusDeviceIdentification(frame.adu.raw.subarray(MBAP_LENGTH));
    if (id.ok) c.onIdentity('modbus', frame.adu.unit, id.identity);
  }
  replies.answered(frame.adu.transactionId);
  if (replies.inFlight < SOFT_IN_FLIGHT) ctx.holdMaster('in_flight', false);
}

function modbusHandler(
  engine: GuardEngine,
  clock: () => number,
  activity: LinkActivity,
  onIdentity?: IdentityListener,
) {
  return (ctx: RelayContext): RelayHandler => {
    const requests = new ModbusTcpReassembler('request');
    const responses = new ModbusTcpReassembler('response');
    const replies = new ModbusReplyQueue({
      send: (b) => ctx.toMaster(b),
      now: clock,
      replyTimeoutMs: REPLY_TIMEOUT_MS,
    });
    const c: Connection = { ctx, engine, clock, replies, onIdentity, activity };
    const untrack = activity.track(() => replies.inFlight + requests.buffered);
    return {
      fromMaster(chunk) {
        activity.touch();
        for (const frame of requests.push(chunk)) handleRequest(frame, c);
      },
      fromDevice(chunk) {
        activity.touch();
        for (const f of responses.push(chunk)) handleResponse(f, c);
      },
      closed() {
        untrack();
        replies.stop();
      },
    };
  };
}

/** Starts an inline Modbus TCP guard in front of one device. */
export async function createModbusTcpProxy(opts: GuardProxyOptions): Promise<GuardProxy> {
  const clock = opts.clock ?? Date.now;
  const engine = new GuardEngine({
    policy: opts.policy,
    deviceId: opts.deviceId,
    grants: opts.grants,
    grantKey: opts.trustedGrantKey,
    learner: opts.learner,
  });
  const activity = new LinkActivity(() => performance.now(), IDLE_QUIET_MS);
  const interfaceLabel = tcpInterface(opts.upstream);
  const onIdentity: IdentityListener | undefined = opts.onIdentity
    ? (protocol, address, identity, origin) =>
        opts.onIdentity?.(protocol, address, identity, origin ?? { source: 'passive', interface: interfaceLabel })
    : undefined;
  const relay = await createTcpRelay({
    listen: opts.listen,
    upstream: opts.upstream,
    protocol: 'modbus',
    deviceId: opts.deviceId,
    clock,
    onEvent: opts.onEvent ?? (() => undefined),
    createHandler: modbusHandler(engine, clock, activity, onIdentity),
    maxConnections: opts.maxConnections,
    maxBufferedBytes: opts.maxBufferedBytes,
  });
  const identifier = createModbusTcpIdentifier({
    upstream: opts.upstream,
    deviceId: opts.deviceId,
    interfaceLabel,
    activity,
    clock,
    onIdentity,
    onEvent: opts.onEvent,
  });
  identifier.setPolicy(opts.policy);
  return {
    address: relay.address,
    setPolicy: (p) => {
      engine.setPolicy(p);
      identifier.setPolicy(p);
    },
    setGrants: (g, k) => engine.setGrants(g, k),
    connections: () => relay.connections(),
    sessions: () => relay.sessions(),
    buffered: () => relay.buffered(),
    close: () => {
      identifier.close();
      return relay.close();
    },
  };
}
