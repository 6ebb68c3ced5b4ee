import { MmsGuard } from '@outpost/guard';
import { createTcpRelay } from './tcp-relay.server.js';
import type { GuardProxy, GuardProxyOptions } from './ot-guard.types.js';
import { mmsHandler } from './mms-guard.handler.js';

// Inline IEC 61850 MMS guard (ISO-on-TCP): one relay connection per client, each inspected by
// mms-guard.handler.ts.

/** Starts an inline MMS guard in front of one IEC 61850 server (port 102 on the device side). */
export async function createMmsTcpProxy(opts: GuardProxyOptions): Promise<GuardProxy> {
  const clock = opts.clock ?? Date.now;
  const guard = new MmsGuard({
    policy: opts.policy,
    deviceId: opts.deviceId,
    grants: opts.grants,
    grantKey: opts.trustedGrantKey,
  });
  const relay = await createTcpRelay({
    listen: opts.listen,
    upstream: opts.upstream,
    protocol: 'mms',
    deviceId: opts.deviceId,
    clock,
    onEvent: opts.onEvent ?? (() => undefined),
    createHandler: mmsHandler(guard, clock),
    maxConnections: opts.maxConnections,
    maxBufferedBytes: opts.maxBufferedBytes,
  });
  return {
    address: relay.address,
    setPolicy: (p) => guard.setPolicy(p),
    setGrants: (g, k) => guard.setGrants(g, k),
    connections: () => relay.connections(),
    sessions: () => relay.sessions(),
    buffered: () => relay.buffered(),
    close: () => relay.close(),
  };
}
