import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { verify } from '@node-rs/argon2';
import type * as UA from 'node-opcua';
import type { OpcUaConfig } from '../../../config/sharing-config.js';
import type { Logger } from '../../../platform/logger.js';
import type { StreamsReader } from '../../streams/index.js';
import type { StatusRules } from '../point-status.js';
import type { ScadaWrite, WriteOutcome } from '../scada-writes.js';
import type { SharedPoints } from '../shared-points.js';
import { createOpcUaAddressSpace } from './opcua-address-space.js';

// The OPC UA server, loaded only when enabled (node-opcua is large). Basic256Sha256 with Sign and
// SignAndEncrypt; SecurityPolicy None only when configured. Users sign in with user name and
// password from the server's own list (argon2 hashes); anonymous sessions are refused. Its
// application certificate is self-signed and kept in <dataDir>/opcua/pki, where client
// certificates are trusted by placing them in trusted/certs (docs/SCADA.md).

export interface OpcUaServerDeps {
  config: OpcUaConfig;
  host: string;
  dataDir: string;
  points: SharedPoints;
  streams: Pick<StreamsReader, 'raw' | 'rollups'>;
  rules: StatusRules;
  nowMs(): number;
  siteOf(deviceId: string): Promise<string>;
  write(w: ScadaWrite): Promise<WriteOutcome>;
  logger: Logger;
}

export type OpcUaServer = Awaited<ReturnType<typeof startOpcUaServer>>;

export async function startOpcUaServer(d: OpcUaServerDeps) {
  const ua = await import('node-opcua');
  const pkiDir = join(d.dataDir, 'opcua', 'pki');
  mkdirSync(pkiDir, { recursive: true, mode: 0o700 });
  const certificateManager = new ua.OPCUACertificateManager({
    rootFolder: pkiDir,
    automaticallyAcceptUnknownCertificate: false,
  });
  await certificateManager.initialize();
  const users = new Map(d.config.users.map((u) => [u.username, u]));
  const policies = [ua.SecurityPolicy.Basic256Sha256, ...(d.config.allowSecurityNone ? [ua.SecurityPolicy.None] : [])];
  const modes = [
    ua.MessageSecurityMode.Sign,
    ua.MessageSecurityMode.SignAndEncrypt,
    ...(d.config.allowSecurityNone ? [ua.MessageSecurityMode.None] : []),
  ];
  const server = new ua.OPCUAServer({
    port: d.config.port,
    hostname: d.host,
    alternateHostname: [d.host],
    serverCertificateManager: certificateManager,
    securityPolicies: policies,
    securityModes: modes,
    allowAnonymous: false,
    buildInfo: { productName: 'Outpost', manufacturerName: 'Outpost' },
    serverCapabilities: {
      maxSessions: d.config.maxSessions ?? 20,
      maxMonitoredItems: d.config.maxMonitoredItems ?? 100_000,
      maxMonitoredItemsPerSubscription: d.config.maxMonitoredItems ?? 100_000,
    },
    maxConnectionsPerEndpoint: d.config.maxSessions ?? 20,
    userManager: {
      isValidUserAsync(username, password, callback) {
        const u = users.get(username);
        if (!u) return callback(null, false);
        verify(u.passwordHash, password).then(
          (ok) => callback(null, ok),
          () => callback(null, false),
        );
      },
    },
  });
  await server.initialize();
  const userOf = (context: UA.ISessionContext) => {
    const token = (context.session as { userIdentityToken?: unknown } | undefined)?.userIdentityToken;
    if (!(token instanceof ua.UserNameIdentityToken) || !token.userName) return null;
    const u = users.get(token.userName);
    return u ? { user: u.username, canWrite: u.role === 'operator' } : null;
  };
  const space = createOpcUaAddressSpace({
    ua,
    addressSpace: server.engine.addressSpace!,
    points: d.points,
    streams: d.streams,
    rules: d.rules,
    nowMs: d.nowMs,
    siteOf: d.siteOf,
    userOf,
    write: d.write,
  });
  await space.loadAll();
  const unsubscribe = d.points.subscribe(
    (c) => void space.onChange(c).catch((err: unknown) => d.logger.warn({ err }, 'opcua: a change was not applied')),
  );
  server.on('session_activated', (s: UA.ServerSession) =>
    d.logger.info({ user: (s.userIdentityToken as { userName?: string } | undefined)?.userName }, 'opcua session'),
  );
  await server.start();
  const endpointUrl = server.getEndpointUrl();
  d.logger.info({ endpointUrl, policies: policies.map(String) }, 'opcua server listening');
  return {
    endpointUrl,
    port: server.endpoints[0]!.port,
    /** The folder client certificates are trusted in. */
    trustedCertsDir: join(pkiDir, 'trusted', 'certs'),
    tick: () => space.tick(),
    setHealth: space.setHealth,
    deviceIds: space.deviceIds,
    stats: () => ({
      sessions: server.currentSessionCount,
      subscriptions: server.currentSubscriptionCount,
      variables: space.variableCount(),
    }),
    async stop(): Promise<void> {
      unsubscribe();
      await server.shutdown(0);
      await certificateManager.dispose();
    },
  };
}
