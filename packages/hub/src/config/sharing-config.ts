import { Type, type Static } from '@sinclair/typebox';

// Settings of the two ways process data leaves the hub for SCADA (docs/SCADA.md). Both are off
// unless `enabled`; both hold no secret in clear (a client key is a file path, OPC UA users carry
// argon2 hashes).

const Path = Type.String({ minLength: 1, maxLength: 1024 });
/** Sparkplug topic elements may not hold `/`, `+`, `#`. */
const SparkplugId = Type.String({ pattern: '^[^/+#\\s]{1,64}$' });

export const SparkplugConfigSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    /** `mqtts://broker:8883` (or `mqtt://` on a loopback test broker). */
    brokerUrl: Type.String({ pattern: '^mqtts?://[^\\s]+$' }),
    groupId: SparkplugId,
    edgeNodeId: SparkplugId,
    /** PEM files: the broker's CA, and the hub's client certificate and key for the broker. */
    caFile: Type.Optional(Path),
    certFile: Type.Optional(Path),
    keyFile: Type.Optional(Path),
    username: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    /** A file holding the broker password (never the password itself in the config). */
    passwordFile: Type.Optional(Path),
    /** Client id at the broker (default `outpost-<groupId>-<edgeNodeId>`). */
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    keepaliveS: Type.Optional(Type.Integer({ minimum: 5, maximum: 3600 })),
    reconnectMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  },
  { additionalProperties: false },
);
export type SparkplugConfig = Static<typeof SparkplugConfigSchema>;

export const OpcUaUserSchema = Type.Object(
  {
    username: Type.String({ pattern: '^[A-Za-z0-9_.@-]{1,64}$' }),
    /** argon2id hash (`$argon2id$…`) of the password; see docs/SCADA.md for making one. */
    passwordHash: Type.String({ pattern: '^\\$argon2(id|i|d)\\$' }),
    /** viewer: read, subscribe, history; operator: also writes to points with writes enabled. */
    role: Type.Union([Type.Literal('viewer'), Type.Literal('operator')]),
  },
  { additionalProperties: false },
);
export type OpcUaUser = Static<typeof OpcUaUserSchema>;

export const OpcUaConfigSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    /** Address the server listens on (default: the hub's bind address). */
    host: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    users: Type.Array(OpcUaUserSchema, { maxItems: 1000 }),
    /** Offer SecurityPolicy None as well (plain text, passwords exposed): off unless set. */
    allowSecurityNone: Type.Optional(Type.Boolean()),
    maxSessions: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    maxMonitoredItems: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    /** A value older than this many times its point's usual interval is Uncertain_LastUsableValue. */
    staleFactor: Type.Optional(Type.Number({ minimum: 1.5, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type OpcUaConfig = Static<typeof OpcUaConfigSchema>;
