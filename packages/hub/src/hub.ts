import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { HubConfig } from './config/config.js';
import { systemClock, type Clock } from './platform/clock.js';
import { createLogger, type Logger } from './platform/logger.js';
import { createScheduler } from './platform/scheduler.js';
import type { Db } from './storage/database.js';
import { loadOrCreateKek } from './domains/pki/kek.js';
import { loadCaSet } from './domains/pki/ca-set.js';
import { loadOrCreateServerTls, serverNotAfter } from './domains/pki/server-tls.js';
import { createMetrics } from './platform/metrics.js';
import { createHttpServer, registerPlatformRoutes, setHttpsIdentity } from './http/server.js';
import { installAuth } from './http/auth.hook.js';
import { installRateLimit } from './http/rate-limit.js';
import { enforceRouteTable } from './http/route-table.js';
import { registerConsole } from './http/console.js';
import { startEmbeddedBroker, type EmbeddedBroker } from './mqtt/embedded-broker.js';
import { loadOrRotateTicketKey } from './mqtt/session-tickets.js';
import { assignedBroker, startExternalBrokers, type ExternalBrokers } from './mqtt/external-brokers.js';
import { parseBrokerList } from './mqtt/broker-endpoints.js';
import { BROKER_CRL_VALID_MS, brokerTrustFiles } from './mqtt/broker-trust-files.js';
import type { DeviceBus } from './platform/device-bus.js';
import { connectPostgres, describePostgresUrl } from './storage/postgres.js';
import { createJobGate, type JobGate } from './storage/sql-dialect.js';
import { startPgReplicaChannel, type PgReplicaChannel } from './storage/pg-notify.js';
import { hubMigrations, openHubDatabase } from './domains/hub-modules.js';
import { composeDomains, type Domains } from './domains/compose-domains.js';
import { recordHubVersion, schemaVersionOf } from './storage/schema-version.js';
import { HUB_VERSION } from './platform/version.js';
import { createDomainEventBus } from './platform/domain-events.js';
import { startPresenceMonitor } from './domains/devices/presence.monitor.js';
import { openFileLimits, openFilesWarning } from './platform/fd-limit.js';
import { lockDataDir, type DataDirLock } from './platform/data-dir-lock.js';
import { ensurePrivateDataDir } from './platform/data-dir.js';

export interface Hub {
  httpUrl: string;
  mqttUrl: string;
  httpPort: number;
  mqttPort: number;
  /** Every trusted CA, the one serving the hub's TLS first. */
  caPem: string;
  /** The CA a new device pins (the one serving the hub's TLS). */
  caFingerprint: string;
  /** Set only on the first start when no admin password was configured: print it once. */
  initialAdminPassword?: string;
  db: Db;
  app: FastifyInstance;
  domains: Domains;
  sweepPresence(): Promise<number>;
  /** The device-facing broker URL a device is given (without an id: the first broker's). */
  brokerUrlOf(deviceId?: string): string;
  /** External brokers: the broker a device is on now (null: not seen, or the embedded broker). */
  brokerOf(deviceId: string): string | null;
  stop(): Promise<void>;
}

/** Starts a hub: database, CA, broker, HTTP API and background work, all from one config. */
const TICKET_KEY_MAX_AGE_MS = 24 * 3600_000;
// How often the server certificate is looked at: hourly, or 20 times per lifetime when that is short.
const serverCertCheckMs = (lifetimeS?: number) =>
  Math.max(1000, Math.min(3600_000, lifetimeS ? (lifetimeS * 1000) / 20 : 3600_000));

export async function startHub(config: HubConfig, opts: { logger?: Logger; clock?: Clock } = {}): Promise<Hub> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  ensurePrivateDataDir(config.dataDir);
  const lock = lockDataDir(config.dataDir, 'hub', clock.now());
  // What has started so far, stopped in reverse order if a later step fails: a start that fails
  // (a port in use) leaves nothing running and no first-start secret that was never shown.
  const started: Array<() => unknown> = [];
  try {
    return await startLocked(config, logger, clock, started, lock);
  } catch (e) {
    for (const stop of started.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    lock.release();
    throw e;
  }
}

async function startLocked(
  config: HubConfig,
  logger: Logger,
  clock: Clock,
  started: Array<() => unknown>,
  lock: DataDirLock,
): Promise<Hub> {
  const db = await openHubDatabase(config.dataDir, config.databaseUrl);
  logger.info(
    { database: config.databaseUrl ? describePostgresUrl(config.databaseUrl) : 'sqlite (data directory)' },
    'database open',
  );
  started.push(() => db.destroy());
  const jobLocks = config.databaseUrl ? connectPostgres(config.databaseUrl, 1, { keepIdle: true }) : null;
  if (jobLocks) started.push(() => jobLocks.destroy());
  await recordHubVersion(db, HUB_VERSION, schemaVersionOf(Object.keys(hubMigrations())), clock.now());
  const kek = await loadOrCreateKek({
    dataDir: config.dataDir,
    envValue: config.kek,
    file: config.kekFile,
    warn: (message) => logger.warn(message),
  });
  // The CA set: the active CA signs, retiring ones stay trusted, the oldest trusted one serves TLS.
  const ca = await loadCaSet({ db, dataDir: config.dataDir, kek, clock });
  const hostnames = [...new Set([config.publicHost, 'localhost'].filter((h) => !isIP(h)))];
  const ips = [...new Set(['127.0.0.1', config.bind, config.publicHost].filter((h) => isIP(h) && h !== '0.0.0.0'))];
  const serverTlsOptions = () => ({
    dataDir: config.dataDir,
    ca: ca.serving(),
    kek,
    hostnames,
    ips,
    now: clock.now(),
    ...(config.serverCertSeconds ? { validitySeconds: config.serverCertSeconds } : {}),
  });
  let serverTls = await loadOrCreateServerTls(serverTlsOptions());
  const metrics = createMetrics();

  // External brokers (OUTPOST_BROKERS) replace the embedded one; the same services run over either.
  const external = config.brokers ? parseBrokerList(config.brokers) : null;
  if (external && !config.brokerDir)
    throw new Error('OUTPOST_BROKERS needs OUTPOST_BROKER_DIR: the directory `outpost hub broker-config` wrote');
  // Services reach devices through this; the broker behind it starts after the services exist.
  let broker: EmbeddedBroker | null = null;
  let brokers: ExternalBrokers | null = null;
  const live = (): DeviceBus | null => broker ?? brokers;
  const bus: DeviceBus = {
    publish: (id, suffix, payload, o) => live()?.publish(id, suffix, payload, o) ?? Promise.resolve(),
    disconnect: (id) => live()?.disconnect(id),
    isConnected: (id) => live()?.isConnected(id) ?? false,
    connectedCount: () => live()?.connectedCount() ?? 0,
    publishHubTopic: (topic, payload, o) =>
      live()?.publishHubTopic?.(topic, payload, o) ?? Promise.reject(new Error('the broker is not running')),
    ...(external ? { brokerOf: (id: string) => brokers?.brokerOf(id) ?? null } : {}),
  };
  const ports = { http: 0, mqtt: 0 };
  const endpoints = (deviceId?: string) => ({
    mqttUrl: external
      ? external[deviceId ? assignedBroker(deviceId, external.length) : 0].deviceUrl
      : `mqtts://${config.publicHost}:${ports.mqtt}`,
    httpUrl: `${config.httpTls ? 'https' : 'http'}://${config.publicHost}:${ports.http}`,
  });
  const scheduler = createScheduler({ clock, logger });
  const events = createDomainEventBus(logger);
  // On PostgreSQL other replicas may share the database: live changes travel between them.
  const replicas: PgReplicaChannel | null = config.databaseUrl
    ? startPgReplicaChannel({ url: config.databaseUrl, channel: 'outpost_live', logger })
    : null;
  if (replicas) started.push(() => replicas.close());
  const domains = composeDomains({
    db,
    clock,
    logger,
    metrics,
    bus,
    events,
    ca,
    config,
    kek,
    endpoints,
    ...(replicas ? { replicas } : {}),
  });
  started.push(
    () => domains.ingest.close(),
    () => domains.stop(),
    () => scheduler.stopAll(),
  );
  // On PostgreSQL several hubs may share the database: each job runs on one of them at a time.
  const jobs = createJobGate(jobLocks);
  for (const job of domains.jobs()) scheduler.every(job.name, job.everyMs, () => jobs.runAlone(job.name, job.run));

  if (external) {
    brokers = await startBrokerClients(config, external, ca, domains, logger, metrics, scheduler, jobs);
    started.push(() => brokers?.close());
  }
  // Device sessions resume for an hour, across hub restarts; the sealing key changes daily.
  const ticketKey = () => loadOrRotateTicketKey(config.dataDir, kek, clock.now().getTime(), TICKET_KEY_MAX_AGE_MS);
  let ticket = await ticketKey();
  if (!external)
    broker = await startEmbeddedBroker({
      bind: config.bind,
      port: config.mqttPort,
      tls: {
        certPem: serverTls.certPem,
        keyPem: serverTls.keyPem,
        caPem: ca.certPem,
        retiredCaPems: ca.retiredPems(),
        ticketKey: config.mqttSessionTickets ? ticket.key : undefined,
        sessionTickets: config.mqttSessionTickets,
        sessionTimeoutS: 3600,
      },
      sink: domains.gateway,
      admit: domains.admission.admitDevice,
      integrations: domains.notifications.integrations,
      onRefused: domains.admission.onRefused,
      logger,
      metrics,
      limits: {
        handshakeTimeoutMs: config.mqttHandshakeTimeoutMs,
        connectTimeoutMs: config.mqttHandshakeTimeoutMs,
        pendingPerAddress: config.mqttPendingPerAddress,
      },
    });
  started.push(() => broker?.close());
  ports.mqtt = broker?.port ?? 0;
  scheduler.every('mqtt.ticket-key', 3600_000, async () => {
    const next = await ticketKey();
    if (next.createdAt !== ticket.createdAt) broker?.setTicketKey(next.key);
    ticket = next;
  });

  const app = await createHttpServer({
    logger,
    tls: config.httpTls ? { ...serverTls, clientCaPem: ca.certPem } : null,
    metrics,
  });
  started.push(() => app.close());
  installAuth(app, domains.users, domains.audit, domains.scopeOf);
  installRateLimit(app, { perMinute: config.apiRequestsPerMinute, requests: domains.limits.requests });
  enforceRouteTable(app);
  registerPlatformRoutes(app, metrics, { metricsToken: config.metricsToken });
  domains.registerRoutes(app);
  await registerConsole(app, undefined, async () => {
    const origin = await domains.location.tileOrigin();
    return origin ? [origin] : [];
  });
  await app.listen({ host: config.bind, port: config.httpPort });
  // Only now, with both listeners up, is the first admin made: its generated password is printed
  // by whoever started the hub, so it must not exist on a start that went on to fail.
  const admin = await domains.users.ensureInitialAdmin(config.adminPassword);
  // The server certificate renews itself: re-issued from the CA when due and swapped into both
  // listeners without a restart. Devices pin the CA, not the leaf, so they follow on their own.
  const refreshServerTls = async () => {
    const next = await loadOrCreateServerTls(serverTlsOptions());
    if (next.certPem === serverTls.certPem) return;
    serverTls = next;
    broker?.setServerCertificate(next);
    if (config.httpTls) setHttpsIdentity(app, { ...next, clientCaPem: ca.certPem });
    logger.info({ notAfter: serverNotAfter(next).toISOString() }, 'hub server certificate renewed');
  };
  scheduler.every('pki.server-certificate', serverCertCheckMs(config.serverCertSeconds), refreshServerTls);
  // A CA rotation or retirement: new connections trust the CA set as it is now, and once the CA
  // serving TLS was retired the server certificate is re-issued by the next one.
  ca.onChange(async () => {
    broker?.setTrust({ caPem: ca.certPem, retiredCaPems: ca.retiredPems() });
    if (config.httpTls) setHttpsIdentity(app, { ...serverTls, clientCaPem: ca.certPem });
    await refreshServerTls();
  }, 'trust');

  ports.http = (app.server.address() as { port: number }).port;

  const presence = startPresenceMonitor({
    store: domains.devicesStore,
    ingest: domains.ingest,
    clock,
    logger,
    everyMs: config.presenceSweepMs,
    isConnected: bus.isConnected,
    disconnect: bus.disconnect,
  });
  // Live changes from other replicas reach this one's consoles from the moment it answers.
  if (replicas) {
    const waited = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([replicas.ready, waited])) === 'timeout')
      logger.warn('the replica event channel is not listening yet; retrying');
  }
  const urls = endpoints();
  const fdWarning = openFilesWarning(openFileLimits());
  if (fdWarning) logger.warn(fdWarning);
  logger.info(
    { http: urls.httpUrl, mqtt: urls.mqttUrl, dataDir: config.dataDir, caFingerprint: ca.fingerprint },
    'hub started',
  );

  return {
    ...urls,
    httpPort: ports.http,
    mqttPort: ports.mqtt,
    // The CA set changes while the hub runs: these follow it.
    get caPem() {
      return ca.certPem;
    },
    get caFingerprint() {
      return ca.fingerprint;
    },
    initialAdminPassword: admin.generatedPassword,
    db,
    app,
    domains,
    sweepPresence: presence.sweep,
    brokerUrlOf: (deviceId) => endpoints(deviceId).mqttUrl,
    brokerOf: (deviceId) => brokers?.brokerOf(deviceId) ?? null,
    async stop() {
      presence.stop();
      scheduler.stopAll();
      await domains.stop();
      await app.close();
      await broker?.close();
      await brokers?.close();
      await domains.ingest.close();
      await replicas?.close();
      await jobLocks?.destroy();
      await db.destroy();
      lock.release();
      logger.info('hub stopped');
    },
  };
}

/**
 * The hub as a backend client of external brokers: its client certificate and the brokers' trust
 * files come from OUTPOST_BROKER_DIR; the revocation list there is rewritten at start, daily, after
 * a CA change and before every dropped session.
 */
async function startBrokerClients(
  config: HubConfig,
  external: ReturnType<typeof parseBrokerList>,
  ca: Awaited<ReturnType<typeof loadCaSet>>,
  domains: Domains,
  logger: Logger,
  metrics: ReturnType<typeof createMetrics>,
  scheduler: ReturnType<typeof createScheduler>,
  jobs: JobGate,
): Promise<ExternalBrokers> {
  const dirs = config
    .brokerDir!.split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const dir = dirs[0];
  await domains.brokers.loadHomes();
  const lists = async () =>
    ca.revocationLists(await domains.revokedCertificates(new Date().toISOString()), BROKER_CRL_VALID_MS);
  const each = dirs.map((d) => brokerTrustFiles({ dir: d, caPem: () => ca.certPem, revocationLists: lists, logger }));
  const trust = { sync: async () => void (await Promise.all(each.map((t) => t.sync()))) };
  await trust.sync();
  scheduler.every('mqtt.broker-crl', 86_400_000, () => trust.sync());
  ca.onChange(() => trust.sync(), 'trust');
  const seed = createHash('sha256').update(`${hostname()}\0${config.dataDir}`).digest('hex').slice(0, 12);
  const brokers = startExternalBrokers({
    brokers: external,
    tls: {
      certPem: readFileSync(join(dir, 'hub-client.crt'), 'utf8'),
      keyPem: readFileSync(join(dir, 'hub-client.key'), 'utf8'),
      caPem: ca.certPem,
    },
    clientId: config.brokerClientId ?? `Outpost-Hub.${seed}`,
    sink: domains.gateway,
    // One replica takes over the broker session of a replica that is gone.
    exclusive: async (name, work) => void (await jobs.runAlone(name, work)),
    homeOf: domains.brokers.homeOf,
    beforeDrop: async () => {
      await trust.sync();
      // Mosquitto reloads on its next loop turn after the signal.
      await new Promise((r) => setTimeout(r, 300));
    },
    logger,
    metrics,
  });
  // A broker that is down does not keep the hub from starting; it is dialled again with backoff.
  const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
  if ((await Promise.race([brokers.ready, timeout])) === 'timeout')
    logger.warn({ brokers: external.map((b) => b.backendUrl) }, 'not every broker is reachable yet; retrying');
  return brokers;
}
