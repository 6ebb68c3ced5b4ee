import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { compileValidator } from '@outpost/protocol';
import { OidcProvidersSchema, resolveProviders, withProviderDefaults } from './oidc-providers.js';
import { OpcUaConfigSchema, SparkplugConfigSchema } from './sharing-config.js';

/**
 * Every hub setting, read once at boot. Precedence: flags > OUTPOST_* env > config file > defaults.
 * Nothing else in the hub reads process.env.
 */
export const HubConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1 }),
    // The hub's database: unset keeps the embedded SQLite file in the data directory; a
    // postgres:// URL (user, password, host, database; sslmode as libpq knows it) puts it on a
    // PostgreSQL server (docs/POSTGRESQL.md). It holds a password: never logged.
    databaseUrl: Type.Optional(Type.String({ pattern: '^postgres(ql)?://[^\\s]+$' })),
    // Where artifacts and session recordings are kept (docs/REPLICAS.md): `postgres` (chunked rows
    // in the database, shared by every replica; needs databaseUrl) or `dir:/absolute/path`. Unset:
    // the database on PostgreSQL, the data directory on SQLite.
    blobStore: Type.Optional(Type.String({ pattern: '^(postgres|dir:/.+)$' })),
    // External MQTT brokers (docs/BROKERS.md): unset keeps the embedded broker. A comma-separated
    // list of `mqtts://host:backendPort?devices=devicePort`; the hub is a backend client of each.
    brokers: Type.Optional(Type.String({ minLength: 1, maxLength: 8192 })),
    // The directory `outpost hub broker-config` wrote (comma-separated: one per broker on this
    // machine): the hub's backend client certificate (from the first), and the trust files (ca.crt,
    // crl.pem) the hub rewrites on every revocation, signalling the broker whose mosquitto.pid is there.
    brokerDir: Type.Optional(Type.String({ minLength: 1 })),
    // This replica's client id on the brokers (stable, so its session survives restarts); default:
    // derived from the host name and data directory.
    brokerClientId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,48}$' })),
    bind: Type.String({ minLength: 1 }),
    httpPort: Type.Integer({ minimum: 0, maximum: 65535 }),
    mqttPort: Type.Integer({ minimum: 0, maximum: 65535 }),
    // Device connections: a TLS handshake or CONNECT not done by then is dropped; connections from
    // one address still doing either are capped (devices behind one carrier NAT share an address).
    mqttHandshakeTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000 }),
    mqttPendingPerAddress: Type.Integer({ minimum: 1, maximum: 100_000 }),
    // TLS 1.3 session tickets for devices. On, a reconnecting device resumes its session (across
    // hub restarts too: about 1 ms of hub CPU saved per reconnect), but every open connection holds
    // about 15 KB more and every full handshake costs about 0.4 ms more to issue the tickets.
    mqttSessionTickets: Type.Boolean(),
    // TLS on the HTTP API. Turn off only behind a TLS-terminating proxy.
    httpTls: Type.Boolean(),
    // The name devices and operators use to reach the hub; goes into the server certificate.
    publicHost: Type.String({ minLength: 1 }),
    // This replica's own relay address (ws:// or wss://, no path) when several replicas share one
    // database behind a load balancer: both legs of a remote-access session dial it. Default: the
    // hub's public HTTP URL.
    relayUrl: Type.Optional(Type.String({ pattern: '^wss?://[^/?#\\s]+$', maxLength: 256 })),
    adminPassword: Type.Optional(Type.String({ minLength: 8 })),
    kek: Type.Optional(Type.String()),
    // A file holding the KEK (32 raw bytes, mode 0600 or stricter, outside the data directory), e.g. a
    // systemd credential. Without it and without kek, the KEK lives in <dataDir>.kek beside the data directory.
    kekFile: Type.Optional(Type.String({ minLength: 1 })),
    // Device messages, per device and per topic: a token bucket of deviceMessageBurst messages that
    // refills at deviceMessagesPerMinute. Messages over it are dropped, counted, and reported once per episode.
    deviceMessagesPerMinute: Type.Integer({ minimum: 1, maximum: 600_000 }),
    deviceMessageBurst: Type.Integer({ minimum: 1, maximum: 100_000 }),
    // API requests per minute for one API token or signed-in user (anonymous callers: per address);
    // costly routes (reports, exports, audit verification, uploads) get a tenth of it.
    apiRequestsPerMinute: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    // Bearer token /metrics asks for; without one, /metrics answers loopback callers only.
    metricsToken: Type.Optional(Type.String({ minLength: 16 })),
    logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l))),
    // A device is offline when no message arrived for heartbeatFactor × its health interval.
    heartbeatFactor: Type.Number({ minimum: 1.5, maximum: 20 }),
    presenceSweepMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
    sessionTtlMinutes: Type.Integer({ minimum: 1, maximum: 7 * 24 * 60 }),
    deviceCertDays: Type.Integer({ minimum: 1, maximum: 3650 }),
    // Overrides deviceCertDays: device certificate lifetime in seconds, for tests and small sites
    // that want short-lived identities (devices renew at about two thirds of it).
    deviceCertSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 3650 * 86_400 })),
    // Overrides the hub's TLS server certificate lifetime (397 days), in seconds; it renews itself
    // at two thirds of it (at the latest 30 days before expiry) without a restart.
    serverCertSeconds: Type.Optional(Type.Integer({ minimum: 30, maximum: 397 * 86_400 })),
    // After a CA rotation, devices on an older CA renew at a random moment within this many seconds
    // (default: a quarter of the device certificate lifetime, at most 6 hours), so they do not all reconnect at once.
    caRenewSpreadS: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    // Failed sign-ins before an account waits (30 s, doubling, at most 15 min), and before an address
    // does (across all accounts tried from it).
    loginMaxFailures: Type.Integer({ minimum: 1, maximum: 1000 }),
    loginMaxFailuresPerAddress: Type.Integer({ minimum: 1, maximum: 100_000 }),
    loginWindowMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    ingestFlushMs: Type.Integer({ minimum: 5, maximum: 10_000 }),
    // Monitoring: how often alert rules are evaluated; how long raw health/traffic samples and
    // their hourly roll-ups are kept; how long a device's traffic is learned before a port counts as new.
    alertEvalMs: Type.Integer({ minimum: 100, maximum: 600_000 }),
    sampleRetentionDays: Type.Number({ minimum: 0.01, maximum: 3650 }),
    // Device events (the device timeline, the SIEM's device records): days kept, by the device's time.
    eventRetentionDays: Type.Number({ minimum: 1, maximum: 3650 }),
    rollupRetentionDays: Type.Number({ minimum: 1, maximum: 36_500 }),
    trafficLearningS: Type.Number({ minimum: 0, maximum: 365 * 86_400 }),
    // Process data (docs/DATA.md): days raw values and each roll-up tier are kept; points one device may have.
    streamsRawRetentionDays: Type.Number({ minimum: 0.01, maximum: 3650 }),
    streams1mRetentionDays: Type.Number({ minimum: 0.01, maximum: 36_500 }),
    streams1hRetentionDays: Type.Number({ minimum: 0.01, maximum: 36_500 }),
    streams1dRetentionDays: Type.Number({ minimum: 0.01, maximum: 36_500 }),
    streamsMaxPointsPerDevice: Type.Integer({ minimum: 1, maximum: 100_000 }),
    // Seconds between full configuration compliance scans (drift is also seen on every device report).
    complianceScanIntervalS: Type.Number({ minimum: 0.2, maximum: 86_400 }),
    // Milliseconds between two looks at running rollouts (waves, thresholds, dispatch, timeouts).
    rolloutTickMs: Type.Integer({ minimum: 20, maximum: 60_000 }),
    // Milliseconds between two looks at automation triggers and runs (each run moves one stage a look).
    automationsTickMs: Type.Integer({ minimum: 100, maximum: 60_000 }),
    // Largest artifact the hub accepts, in bytes (uploads stream to disk).
    artifactMaxBytes: Type.Integer({ minimum: 1024, maximum: 64 * 1024 ** 3 }),
    // OpenID Connect identity providers users may sign in with (see docs/SSO.md).
    oidcProviders: OidcProvidersSchema,
    // Process data shared with SCADA, outbound only (docs/SCADA.md): a Sparkplug B edge node on an
    // external MQTT broker, and an OPC UA server. Both off unless set.
    sparkplug: Type.Optional(SparkplugConfigSchema),
    opcua: Type.Optional(OpcUaConfigSchema),
  },
  { additionalProperties: false },
);
export type HubConfig = Static<typeof HubConfigSchema>;

export const DEFAULTS: HubConfig = {
  dataDir: './data',
  bind: '127.0.0.1',
  httpPort: 8443,
  mqttPort: 8883,
  mqttHandshakeTimeoutMs: 10_000,
  mqttPendingPerAddress: 256,
  mqttSessionTickets: false,
  httpTls: true,
  publicHost: 'localhost',
  logLevel: 'info',
  heartbeatFactor: 3,
  presenceSweepMs: 2000,
  sessionTtlMinutes: 8 * 60,
  deviceCertDays: 365,
  loginMaxFailures: 5,
  loginMaxFailuresPerAddress: 20,
  loginWindowMinutes: 15,
  ingestFlushMs: 50,
  alertEvalMs: 5000,
  sampleRetentionDays: 7,
  eventRetentionDays: 365,
  rollupRetentionDays: 400,
  trafficLearningS: 86_400,
  streamsRawRetentionDays: 7,
  streams1mRetentionDays: 90,
  streams1hRetentionDays: 730,
  streams1dRetentionDays: 3650,
  streamsMaxPointsPerDevice: 1000,
  complianceScanIntervalS: 300,
  rolloutTickMs: 1000,
  automationsTickMs: 1000,
  artifactMaxBytes: 8 * 1024 ** 3,
  oidcProviders: [],
  deviceMessagesPerMinute: 600,
  deviceMessageBurst: 200,
  apiRequestsPerMinute: 1200,
};

type Kind = 'string' | 'int' | 'number' | 'bool' | 'json';
const ENV: Record<keyof HubConfig, [string, Kind]> = {
  dataDir: ['OUTPOST_DATA_DIR', 'string'],
  databaseUrl: ['OUTPOST_DATABASE_URL', 'string'],
  blobStore: ['OUTPOST_BLOB_STORE', 'string'],
  brokers: ['OUTPOST_BROKERS', 'string'],
  brokerDir: ['OUTPOST_BROKER_DIR', 'string'],
  brokerClientId: ['OUTPOST_BROKER_CLIENT_ID', 'string'],
  bind: ['OUTPOST_BIND', 'string'],
  httpPort: ['OUTPOST_HTTP_PORT', 'int'],
  mqttPort: ['OUTPOST_MQTT_PORT', 'int'],
  mqttHandshakeTimeoutMs: ['OUTPOST_MQTT_HANDSHAKE_TIMEOUT_MS', 'int'],
  mqttPendingPerAddress: ['OUTPOST_MQTT_PENDING_PER_ADDRESS', 'int'],
  mqttSessionTickets: ['OUTPOST_MQTT_SESSION_TICKETS', 'bool'],
  httpTls: ['OUTPOST_HTTP_TLS', 'bool'],
  publicHost: ['OUTPOST_PUBLIC_HOST', 'string'],
  relayUrl: ['OUTPOST_RELAY_URL', 'string'],
  adminPassword: ['OUTPOST_ADMIN_PASSWORD', 'string'],
  kek: ['OUTPOST_KEK', 'string'],
  kekFile: ['OUTPOST_KEK_FILE', 'string'],
  deviceMessagesPerMinute: ['OUTPOST_DEVICE_MESSAGES_PER_MINUTE', 'int'],
  deviceMessageBurst: ['OUTPOST_DEVICE_MESSAGE_BURST', 'int'],
  apiRequestsPerMinute: ['OUTPOST_API_REQUESTS_PER_MINUTE', 'int'],
  metricsToken: ['OUTPOST_METRICS_TOKEN', 'string'],
  logLevel: ['OUTPOST_LOG_LEVEL', 'string'],
  heartbeatFactor: ['OUTPOST_HEARTBEAT_FACTOR', 'number'],
  presenceSweepMs: ['OUTPOST_PRESENCE_SWEEP_MS', 'int'],
  sessionTtlMinutes: ['OUTPOST_SESSION_TTL_MINUTES', 'int'],
  deviceCertDays: ['OUTPOST_DEVICE_CERT_DAYS', 'int'],
  deviceCertSeconds: ['OUTPOST_DEVICE_CERT_SECONDS', 'int'],
  serverCertSeconds: ['OUTPOST_SERVER_CERT_SECONDS', 'int'],
  caRenewSpreadS: ['OUTPOST_CA_RENEW_SPREAD_S', 'int'],
  loginMaxFailures: ['OUTPOST_LOGIN_MAX_FAILURES', 'int'],
  loginMaxFailuresPerAddress: ['OUTPOST_LOGIN_MAX_FAILURES_PER_ADDRESS', 'int'],
  loginWindowMinutes: ['OUTPOST_LOGIN_WINDOW_MINUTES', 'int'],
  ingestFlushMs: ['OUTPOST_INGEST_FLUSH_MS', 'int'],
  alertEvalMs: ['OUTPOST_ALERT_EVAL_MS', 'int'],
  sampleRetentionDays: ['OUTPOST_SAMPLE_RETENTION_DAYS', 'number'],
  eventRetentionDays: ['OUTPOST_EVENT_RETENTION_DAYS', 'number'],
  rollupRetentionDays: ['OUTPOST_ROLLUP_RETENTION_DAYS', 'number'],
  trafficLearningS: ['OUTPOST_TRAFFIC_LEARNING_S', 'number'],
  streamsRawRetentionDays: ['OUTPOST_STREAMS_RAW_RETENTION_DAYS', 'number'],
  streams1mRetentionDays: ['OUTPOST_STREAMS_1M_RETENTION_DAYS', 'number'],
  streams1hRetentionDays: ['OUTPOST_STREAMS_1H_RETENTION_DAYS', 'number'],
  streams1dRetentionDays: ['OUTPOST_STREAMS_1D_RETENTION_DAYS', 'number'],
  streamsMaxPointsPerDevice: ['OUTPOST_STREAMS_MAX_POINTS_PER_DEVICE', 'int'],
  complianceScanIntervalS: ['OUTPOST_COMPLIANCE_SCAN_INTERVAL_S', 'number'],
  rolloutTickMs: ['OUTPOST_ROLLOUT_TICK_MS', 'int'],
  automationsTickMs: ['OUTPOST_AUTOMATIONS_TICK_MS', 'int'],
  artifactMaxBytes: ['OUTPOST_ARTIFACT_MAX_BYTES', 'int'],
  oidcProviders: ['OUTPOST_OIDC_PROVIDERS', 'json'],
  sparkplug: ['OUTPOST_SPARKPLUG', 'json'],
  opcua: ['OUTPOST_OPCUA', 'json'],
};

function coerce(raw: string, kind: Kind, name: string): unknown {
  if (kind === 'string') return raw;
  if (kind === 'json') {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new Error(`${name}: expected JSON`);
    }
  }
  if (kind === 'bool') {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new Error(`${name}: expected true or false, got "${raw}"`);
  }
  const n = Number(raw);
  if (raw.trim() === '' || Number.isNaN(n)) throw new Error(`${name}: expected a number, got "${raw}"`);
  return n;
}

function fromEnv(env: Record<string, string | undefined>): Partial<HubConfig> {
  const out: Record<string, unknown> = {};
  for (const [key, [name, kind]] of Object.entries(ENV)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') out[key] = coerce(raw, kind, name);
  }
  return out as Partial<HubConfig>;
}

const validator = compileValidator(HubConfigSchema);

/** How long after a CA rotation devices on an older CA spread their renewals, seconds. */
export function caRenewSpreadS(c: Pick<HubConfig, 'caRenewSpreadS' | 'deviceCertDays' | 'deviceCertSeconds'>): number {
  return c.caRenewSpreadS ?? Math.max(1, Math.min(6 * 3600, Math.floor(deviceCertLifetimeS(c) / 4)));
}

/** The lifetime of a device certificate in seconds: deviceCertSeconds when set, else deviceCertDays. */
export function deviceCertLifetimeS(c: Pick<HubConfig, 'deviceCertDays' | 'deviceCertSeconds'>): number {
  return c.deviceCertSeconds ?? c.deviceCertDays * 86_400;
}

export interface ConfigSources {
  flags?: Partial<HubConfig>;
  env?: Record<string, string | undefined>;
  /** Path of a JSON config file; OUTPOST_CONFIG in env names one too. */
  file?: string;
}

/** Merges the sources and validates the result once; throws with the path of a bad value. */
export function loadConfig(sources: ConfigSources = {}): HubConfig {
  const env = sources.env ?? {};
  const filePath = sources.file ?? env.OUTPOST_CONFIG;
  const fileValues = filePath ? (JSON.parse(readFileSync(filePath, 'utf8')) as Partial<HubConfig>) : {};
  const flags = Object.fromEntries(Object.entries(sources.flags ?? {}).filter(([, v]) => v !== undefined));
  const merged = { ...DEFAULTS, ...fileValues, ...fromEnv(env), ...flags };
  if (Array.isArray(merged.oidcProviders))
    merged.oidcProviders = merged.oidcProviders.map(withProviderDefaults) as never;
  const checked = validator.check(merged);
  if (!checked.ok) throw new Error(`invalid hub configuration: ${checked.message}`);
  const oidcProviders = resolveProviders(checked.value.oidcProviders, env);
  return { ...checked.value, dataDir: resolve(checked.value.dataDir), oidcProviders };
}
