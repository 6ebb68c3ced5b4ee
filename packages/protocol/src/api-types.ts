import { Type, type Static } from '@sinclair/typebox';

/**
 * Roles. The first three are ranked, from most to least powerful: each may do what the ones after
 * it may. `technician` and `auditor` stand beside them (docs/ROLES.md): a technician sees devices
 * and opens remote-access sessions, an auditor reads the audit log, reports and compliance; each
 * reaches only the routes that name it (`RouteDefinition.alsoFor`) besides its own account's.
 */
export const ROLES = ['admin', 'operator', 'viewer', 'technician', 'auditor'] as const;
export type Role = (typeof ROLES)[number];
/** The ranked roles, from most to least powerful. */
export const RANKED_ROLES = ['admin', 'operator', 'viewer'] as const;
/** Roles outside the ranking, open only to the routes that name them. */
export type DutyRole = 'technician' | 'auditor';

export const Presence = Type.Union([Type.Literal('never_seen'), Type.Literal('online'), Type.Literal('offline')]);
export type Presence = Static<typeof Presence>;

const Tags = Type.Record(Type.String(), Type.String());

export const Device = Type.Object({
  id: Type.String(),
  name: Type.String(),
  serial: Type.Union([Type.String(), Type.Null()]),
  model: Type.Union([Type.String(), Type.Null()]),
  firmware: Type.Union([Type.String(), Type.Null()]),
  agentVersion: Type.Union([Type.String(), Type.Null()]),
  location: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  tags: Tags,
  groups: Type.Array(Type.String()),
  presence: Presence,
  presenceChangedAt: Type.Union([Type.String(), Type.Null()]),
  lastSeenAt: Type.Union([Type.String(), Type.Null()]),
  enrolledAt: Type.String(),
  certSerial: Type.Union([Type.String(), Type.Null()]),
  certExpiresAt: Type.Union([Type.String(), Type.Null()]),
  decommissioned: Type.Boolean(),
  health: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  /** External brokers (docs/BROKERS.md): the device-facing URL of the broker the device is on now; null when not seen since the hub started. */
  broker: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  /** External brokers: the device's last broker move (GET /api/v1/devices/:id/broker has all of it); null when never moved. */
  brokerMove: Type.Optional(
    Type.Union([
      Type.Object({
        state: Type.Union([Type.Literal('moving'), Type.Literal('moved'), Type.Literal('failed')]),
        to: Type.String(),
        reason: Type.Union([Type.String(), Type.Null()]),
        requestedAt: Type.String(),
      }),
      Type.Null(),
    ]),
  ),
});
export type Device = Static<typeof Device>;

export const Page = <T extends ReturnType<typeof Type.Object>>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
    total: Type.Optional(Type.Integer()),
  });
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}

export const Group = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('static'), Type.Literal('dynamic')]),
  path: Type.String(),
  filter: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  createdAt: Type.String(),
});
export type Group = Static<typeof Group>;

/** A group as the list of groups shows it: its members (static groups) and the devices it holds. */

export const EnrollmentToken = Type.Object({
  id: Type.String(),
  label: Type.String(),
  maxUses: Type.Integer(),
  uses: Type.Integer(),
  expiresAt: Type.String(),
  group: Type.Union([Type.String(), Type.Null()]),
  tags: Tags,
  createdBy: Type.String(),
  createdAt: Type.String(),
  revoked: Type.Boolean(),
});
export type EnrollmentToken = Static<typeof EnrollmentToken>;

/** A new enrollment token: its secret, shown once, the CA fingerprint devices pin, and its record. */
export interface NewEnrollmentToken {
  token: string;
  caFingerprint: string;
  record: EnrollmentToken;
}

export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  /** Group paths the user is confined to; empty or absent: every device. */
  groups: Type.Optional(Type.Array(Type.String())),
});
export type User = Static<typeof User>;

export const ApiToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  userId: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});
export type ApiToken = Static<typeof ApiToken>;

/** A new API token: its secret, shown once, and its record. */
export interface NewApiToken {
  token: string;
  record: ApiToken;
}

/** A session just opened (password sign-in, single sign-on): its token, when it ends, and who it is. */
export interface SessionGrant {
  sessionToken: string;
  expiresAt: string;
  user: User;
}

/** An identity provider users may sign in with: the sign-in page's button (public, ids and labels only). */
export interface SsoProvider {
  id: string;
  label: string;
}

/** Where an audit record was written: the host and the software (name and release). */
export const AuditComponent = Type.Object({
  host: Type.String({ maxLength: 253 }),
  software: Type.String({ maxLength: 64 }),
  version: Type.String({ maxLength: 64 }),
});
export type AuditComponent = Static<typeof AuditComponent>;

export const AuditRecord = Type.Object({
  seq: Type.Integer(),
  ts: Type.String(),
  actorType: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')]),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  /**
   * The component that wrote the record: host and software (name, version). Records written
   * before it existed have none; a record that has it is hashed with it (the field is part of the
   * canonical JSON), so old and new records verify alike.
   */
  component: Type.Optional(AuditComponent),
  prevHash: Type.String(),
  hash: Type.String(),
});
export type AuditRecord = Static<typeof AuditRecord>;

/** The audit chain's head at a time, signed (Ed25519) by the hub's audit checkpoint key. */
export const AuditCheckpoint = Type.Object({
  seq: Type.Integer({ minimum: 0 }),
  hash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  ts: Type.String(),
  /** SHA-256 of the signing key's SPKI DER, lowercase hex. */
  keyId: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  /** Base64 Ed25519 signature over auditCheckpointSigningBytes. */
  signature: Type.String({ maxLength: 200 }),
});
export type AuditCheckpoint = Static<typeof AuditCheckpoint>;

/** What an outside witness keeps: the checkpoints and the key that signed them. */
export const AuditCheckpointExport = Type.Object({
  publicKeyPem: Type.String({ maxLength: 1000 }),
  checkpoints: Type.Array(AuditCheckpoint, { maxItems: 1_000_000 }),
});
export type AuditCheckpointExport = Static<typeof AuditCheckpointExport>;

export const AuditVerifyResult = Type.Union([
  Type.Object({
    ok: Type.Literal(true),
    records: Type.Integer(),
    lastHash: Type.String(),
    checkpoints: Type.Integer(),
  }),
  Type.Object({
    ok: Type.Literal(false),
    records: Type.Integer(),
    /** The first record that can no longer be trusted. */
    firstBrokenSeq: Type.Integer(),
    /** Set when records are missing: the last sequence number known to have existed. */
    missingToSeq: Type.Optional(Type.Integer()),
    reason: Type.String(),
  }),
]);
export type AuditVerifyResult = Static<typeof AuditVerifyResult>;

export const CommandRecord = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  name: Type.String(),
  args: Type.Record(Type.String(), Type.Unknown()),
  state: Type.Union([
    Type.Literal('pending'),
    Type.Literal('sent'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('timed_out'),
  ]),
  result: Type.Unknown(),
  error: Type.Union([Type.String(), Type.Null()]),
  createdBy: Type.String(),
  createdAt: Type.String(),
  deadline: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});
export type CommandRecord = Static<typeof CommandRecord>;

/** The commands one request sent to many devices (those the caller sees), counted by state. */
export interface CommandBatch {
  batchId: string;
  counts: Record<string, number>;
  items: CommandRecord[];
}

export const DeviceEventRecord = Type.Object({
  deviceId: Type.String(),
  seq: Type.Integer(),
  ts: Type.String(),
  receivedAt: Type.String(),
  type: Type.String(),
  severity: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type DeviceEventRecord = Static<typeof DeviceEventRecord>;

/** Answer to a successful enrollment. */
export const EnrollResponse = Type.Object({
  deviceId: Type.String(),
  certificatePem: Type.String(),
  caChainPem: Type.String(),
  mqttUrl: Type.String(),
  httpUrl: Type.String(),
  /** The hub's Ed25519 public key (SPKI PEM) that signs OT guard write grants. */
  guardKeyPem: Type.Optional(Type.String()),
  /** The update trust root (a `SignedRoot`, updates-messages.ts) the device trusts for releases. */
  updateRoot: Type.Optional(Type.Unknown()),
});
export type EnrollResponse = Static<typeof EnrollResponse>;

/** A device's certificate as the hub sees it: the one in use, the renewal state, the last refusal. */
/** Share of time online over a range, with the offline periods and presence changes in it. */
export interface DeviceAvailability {
  from: string;
  to: string;
  /** When the device was first known in the range (null: not at all); the share is of the time since. */
  observedFrom: string | null;
  onlinePct: number;
  /** Time online and the time observed, in milliseconds: the share's numerator and denominator. */
  onlineMs: number;
  periodMs: number;
  offlinePeriods: Array<{ from: string; to: string | null }>;
  changes: Array<{ state: string; at: string }>;
}

export interface DeviceCertificate {
  serial: string;
  deviceId: string;
  fingerprint: string;
  issuedAt: string;
  notAfter: string;
  revokedAt: string | null;
  /** Why it was revoked: superseded (a renewal took over), ca_retired (its CA was retired), or the reason an operator gave. */
  revokeReason: string | null;
  /** The CA that issued it (`ca-1`, `ca-2`, …). */
  caId: string;
}

/** One health report of a device: when it came and what it said (null: nothing readable). */
export interface DeviceHealthSample {
  ts: string;
  data: Record<string, unknown> | null;
}

export interface DeviceCertificateStatus {
  deviceId: string;
  /** The newest certificate not revoked (the one the device uses, or its pending renewal's predecessor). */
  /** `caId`: the CA that issued it (see GET /api/v1/pki/cas). */
  current: { serial: string; issuedAt: string; notAfter: string; expired: boolean; caId: string } | null;
  renewal: {
    /** none: never renewed; pending: issued, not yet used; renewed: in use; failed: the last attempt failed. */
    state: 'none' | 'pending' | 'renewed' | 'failed';
    pendingSerial: string | null;
    renewedAt: string | null;
    renewals: number;
    failures: number;
    lastFailure: string | null;
    lastFailureAt: string | null;
  };
  /** The last time the broker refused one of its certificates, and why (e.g. certificate_expired). */
  lastRefusal: { reason: string; at: string } | null;
}
