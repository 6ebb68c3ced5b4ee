import { Type, type Static } from '@sinclair/typebox';
import { SCHEMA_VERSION } from './device-messages.js';
import { GuardPolicyRulesFields, GuardStateName } from './guard-policy-rules.js';

// OT guard: the policy document the hub publishes (retained) on `guard/policy`, the signed
// write grants inside it, and the shapes the API returns. The agent's guard engine
// (@outpost/guard) consumes exactly these fields.

const V = Type.Literal(SCHEMA_VERSION);
const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Word = Type.Integer({ minimum: 0, maximum: 0xffff });

export const GUARD_MODES = ['monitor', 'alert', 'enforce'] as const;
export const GUARD_POLICY_CLASSES = ['read', 'write', 'control'] as const;
export const GUARD_TABLES = ['coil', 'discrete', 'holding', 'input'] as const;

export const GuardTable = Type.Union(GUARD_TABLES.map((t) => Type.Literal(t)));
export type GuardTable = Static<typeof GuardTable>;

export const GuardAddressRange = Type.Object(
  { table: GuardTable, start: Word, end: Word },
  { additionalProperties: false },
);

/**
 * What an operator sets: the policy without its version (the hub assigns versions). `schema` is
 * the version of the policy language: 1 (or absent) for the original fields, 2 for the rule kinds
 * of guard-policy-rules.ts; a version 1 document is read as version 2 (see upgradeGuardPolicy).
 */
export const GuardPolicyInput = Type.Object(
  {
    ...GuardPolicyRulesFields,
    mode: Type.Union(GUARD_MODES.map((m) => Type.Literal(m))),
    allowedMasters: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 64 })),
    allowedUnits: Type.Optional(Type.Array(Word, { maxItems: 256 })),
    allowedClasses: Type.Array(Type.Union(GUARD_POLICY_CLASSES.map((c) => Type.Literal(c))), { maxItems: 3 }),
    addressRanges: Type.Optional(Type.Array(GuardAddressRange, { maxItems: 128 })),
    readOnly: Type.Boolean(),
    onViolation: Type.Union([Type.Literal('exception'), Type.Literal('drop')]),
  },
  { additionalProperties: false },
);
export type GuardPolicyInput = Static<typeof GuardPolicyInput>;

/** A policy as the device receives it: with the hub-wide revision number. */
export const GuardPolicyDoc = Type.Object(
  { ...GuardPolicyInput.properties, version: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type GuardPolicyDoc = Static<typeof GuardPolicyDoc>;

/**
 * A time-limited permission to write one address range of one unit on one device.
 * `signature` is Ed25519 (base64) over the canonical JSON (keys sorted, no whitespace) of
 * every other field, made with the hub's guard signing key. A grant may also set a named state
 * for its validity window (`setsState`, e.g. a hotline tag on feeder 7, with the `ticket` it
 * was issued under); what the state allows, requires or forbids is the policy's `stateRules`.
 */
export const WriteGrant = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64 }),
    deviceId: Type.String({ minLength: 1, maxLength: 64 }),
    unit: Word,
    table: GuardTable,
    start: Word,
    end: Word,
    notBefore: Millis,
    expiresAt: Millis,
    reason: Type.String({ maxLength: 512 }),
    grantedBy: Type.String({ minLength: 1, maxLength: 128 }),
    setsState: Type.Optional(GuardStateName),
    ticket: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    signature: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type WriteGrant = Static<typeof WriteGrant>;

export const MAX_GRANTS_PER_DEVICE = 32;

/**
 * One step of a grant-signing key rotation: the key in force until then (named by its
 * fingerprint, `previous`) vouches for the next one (`key`, SPKI PEM). Bytes signed: see
 * `endorsementBytes` in guard-key-chain.ts.
 */
export const GuardKeyEndorsement = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 1024 }),
    previous: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    issuedAt: Millis,
    signature: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);
export type GuardKeyEndorsement = Static<typeof GuardKeyEndorsement>;

/** How many rotations a document carries: a device offline through more must be re-enrolled. */
export const MAX_GUARD_KEY_CHAIN = 16;

/**
 * hub → device, `guard/policy`, retained, QoS 1. `version` increases with every change of
 * the device's effective policy or grants; the agent ignores a document that is not newer
 * than the one it applied. `policy: null` means no policy from the hub (the agent falls
 * back to its local one). `guardKey` is the hub's Ed25519 public key (SPKI PEM); a device
 * moves its trust to a new one only along `keyChain`, each step signed by the key before.
 */
export const GuardPolicyMessage = Type.Object(
  {
    v: V,
    deviceId: Type.String({ minLength: 1, maxLength: 64 }),
    version: Type.Integer({ minimum: 1 }),
    issuedAt: Millis,
    policy: Type.Union([GuardPolicyDoc, Type.Null()]),
    grants: Type.Array(WriteGrant, { maxItems: MAX_GRANTS_PER_DEVICE }),
    guardKey: Type.String({ minLength: 1, maxLength: 1024 }),
    /** After a rotation: the endorsements, oldest first, that lead from earlier keys to `guardKey`. */
    keyChain: Type.Optional(Type.Array(GuardKeyEndorsement, { maxItems: MAX_GUARD_KEY_CHAIN })),
    /** Ed25519 by `guardKey` over `documentSigningBytes` (guard-key-chain.ts); agents refuse a document without it. */
    signature: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type GuardPolicyMessage = Static<typeof GuardPolicyMessage>;

// ---- API shapes ----

export type GuardPolicyScope = 'device' | 'group';

/** One stored revision of a device or group policy; `policy: null` records a removal. */
export interface GuardPolicyRecord {
  scope: GuardPolicyScope;
  target: string;
  version: number;
  policy: GuardPolicyInput | null;
  createdBy: string;
  createdAt: string;
}

/** What governs one device, and what it last reported to have applied. */
export interface DeviceGuardStatus {
  deviceId: string;
  /** Where the effective policy comes from: the device's own, a group's (the closest group it is in, static or dynamic), or none. */
  source: 'device' | 'group' | 'none';
  group?: string;
  policy: GuardPolicyDoc | null;
  /** Version of the last document published to the device, and the one it reported applying. */
  documentVersion: number | null;
  appliedVersion: number | null;
  appliedAt: string | null;
  grants: GuardGrantRecord[];
}

/** A policy revision as just set, with how many devices its document was published to. */
export interface GuardPolicySet extends GuardPolicyRecord {
  devices: number;
}

/** The grant-signing key in force. */
export interface GuardKeyInfo {
  publicKeyPem: string;
  fingerprint: string;
  /** Past rotations, oldest first: each key's fingerprint and the one it replaced. */
  rotations: Array<{ fingerprint: string; previous: string; at: string; by: string; reason: string }>;
}

/** The new key after a rotation, with the live grants signed again and the devices whose document changed. */
export interface GuardKeyRotation extends GuardKeyInfo {
  regranted: number;
  devices: number;
}

/** `guard.blocked` events of one device per hour since `from` (hours without any left out). */
export interface GuardBlockedPerHour {
  from: string;
  items: Array<{ hour: string; blocked: number }>;
}

export type GuardGrantState = 'active' | 'expired' | 'revoked';

export interface GuardGrantRecord extends WriteGrant {
  state: GuardGrantState;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
}

/** Body of a grant request; `setsState` (with `ticket`) also sets that named state while the grant is valid. */
export interface GuardGrantRequest {
  unit: number;
  table: GuardTable;
  start: number;
  end: number;
  durationS: number;
  reason: string;
  setsState?: string;
  ticket?: string;
}
