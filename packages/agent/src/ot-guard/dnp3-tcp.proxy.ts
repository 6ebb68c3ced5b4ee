import { GuardEngine } from '@outpost/guard';
import { createTcpRelay } from './tcp-relay.server.js';
import type { GuardProxy, GuardProxyOptions } from './ot-guard.types.js';
import { dnp3Handler } from './dnp3-guard.handler.js';

// Inline DNP3 (TCP) guard: one relay connection per master, each inspected by dnp3-guard.handler.ts.

/** Starts an inline DNP3 guard (TCP) in front of one outstation. */
export async function createDnp3TcpProxy(opts: GuardProxyOptions): Promise<GuardProxy> {
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
    protocol: 'dnp3',
    deviceId: opts.deviceId,
    clock,
    onEvent: opts.onEvent ?? (() => undefined),
    createHandler: dnp3Handler(engine, clock, opts.onIdentity),
    maxConnections: opts.maxConnections,
    maxBufferedBytes: opts.maxBufferedBytes,
  });
  return {
    address: relay.address,
    setPolicy: (p) => engine.setPolicy(p),
    setGrants: (g, k) => engine.setGrants(g, k),
    connections: () => relay.connections(),
    sessions: () => relay.sessions(),
    buffered: () => relay.buffered(),
    close: () => relay.close(),
  };
}
