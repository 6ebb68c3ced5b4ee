import { performance } from 'node:perf_hooks';
import { GuardEngine } from '@outpost/guard';
import { createTcpRelay } from './tcp-relay.server.js';
import type { GuardProxy, GuardProxyOptions } from './ot-guard.types.js';
import { dnp3Handler } from './dnp3-guard.handler.js';
import { LinkActivity } from './link-activity.js';
import { createDnp3TcpIdentifier } from './dnp3-tcp.identifier.js';
import { tcpInterface } from './field-interface.js';

// Inline DNP3 (TCP) guard: one relay connection per master, each inspected by dnp3-guard.handler.ts.
// With the policy's `identify` enabled the guard also reads the outstation's device attributes
// itself, on its own connection, after masters have been quiet for a second (dnp3-tcp.identifier.ts).

/** The line counts as idle for the guard's own queries after this long without traffic. */
const IDLE_QUIET_MS = 1000;

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
  const activity = new LinkActivity(() => performance.now(), IDLE_QUIET_MS);
  const relay = await createTcpRelay({
    listen: opts.listen,
    upstream: opts.upstream,
    protocol: 'dnp3',
    deviceId: opts.deviceId,
    clock,
    onEvent: opts.onEvent ?? (() => undefined),
    createHandler: dnp3Handler(engine, clock, opts.onIdentity, activity),
    maxConnections: opts.maxConnections,
    maxBufferedBytes: opts.maxBufferedBytes,
  });
  const identifier = createDnp3TcpIdentifier({
    upstream: opts.upstream,
    deviceId: opts.deviceId,
    interfaceLabel: tcpInterface(opts.upstream),
    activity,
    masterSeen: () => activity.masterAddress,
    clock,
    onIdentity: opts.onIdentity,
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
