import {
  GuardEngine,
  ModbusTcpReassembler,
  malformedModbusRequest,
  requestFromModbusTcp,
  type GuardRequest,
  type ModbusTcpFrame,
} from '@outpost/guard';
import { createTcpRelay, type RelayContext, type RelayHandler } from './tcp-relay.server.js';
import type { GuardProxy, GuardProxyOptions } from './ot-guard.types.js';

// Inline Modbus TCP guard. Per connection: requests are reassembled into ADUs, each ADU is
// decided on its own and, when allowed, forwarded byte for byte as soon as it is complete,
// in arrival order; nothing is delayed by timers. Blocked requests are answered at once with
// an exception ADU carrying the same transaction and unit id (masters pair replies by
// transaction id, MBAP §3.1.3) or dropped, as the policy says. Responses pass through
// untouched and are parsed only for the session statistics.
//
// Framing errors (impossible MBAP header): in enforce mode the bytes are dropped and the
// connection is closed, because the next ADU boundary cannot be found reliably; in monitor
// and alert modes the bytes are forwarded as received.

function decide(engine: GuardEngine, ctx: RelayContext, req: GuardRequest, clock: () => number) {
  const verdict = engine.inspect(req, { master: ctx.master, nowMs: clock() });
  ctx.emit(verdict.events);
  ctx.stats.requests[req.class]++;
  if (verdict.decision.action === 'block') ctx.stats.blocked++;
  if (verdict.decision.action === 'alert') ctx.stats.alerted++;
  return verdict.decision;
}

function handleRequest(frame: ModbusTcpFrame, engine: GuardEngine, ctx: RelayContext, clock: () => number): void {
  if (frame.kind === 'malformed') {
    const d = decide(engine, ctx, malformedModbusRequest(frame.reason, 'tcp', frame.header), clock);
    if (d.action !== 'block') return ctx.toDevice(frame.raw);
    return ctx.close(`malformed_framing:${frame.reason}`);
  }
  const d = decide(engine, ctx, requestFromModbusTcp(frame.adu), clock);
  if (d.action !== 'block') ctx.toDevice(frame.adu.raw);
  else if (d.response) ctx.toMaster(d.response);
}

function modbusHandler(engine: GuardEngine, clock: () => number) {
  return (ctx: RelayContext): RelayHandler => {
    const requests = new ModbusTcpReassembler('request');
    const responses = new ModbusTcpReassembler('response');
    return {
      fromMaster(chunk) {
        for (const frame of requests.push(chunk)) handleRequest(frame, engine, ctx, clock);
      },
      fromDevice(chunk) {
        ctx.toMaster(chunk);
        for (const f of responses.push(chunk)) {
          ctx.stats.responses++;
          if (f.kind === 'adu' && f.adu.pdu.exceptionCode !== undefined) ctx.stats.exceptions++;
        }
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
  const relay = await createTcpRelay({
    listen: opts.listen,
    upstream: opts.upstream,
    protocol: 'modbus',
    deviceId: opts.deviceId,
    clock,
    onEvent: opts.onEvent ?? (() => undefined),
    createHandler: modbusHandler(engine, clock),
    maxConnections: opts.maxConnections,
  });
  return {
    address: relay.address,
    setPolicy: (p) => engine.setPolicy(p),
    setGrants: (g, k) => engine.setGrants(g, k),
    connections: () => relay.connections(),
    sessions: () => relay.sessions(),
    close: () => relay.close(),
  };
}
