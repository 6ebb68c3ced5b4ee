import { Type, type Static } from '@sinclair/typebox';

// Software and firmware updates: the signed release manifest, the update trust root (TUF-style
// metadata, https://theupdateframework.github.io/specification/latest/ §4.3 and §5), the job
// the hub sends a device on `update/job` and the reports the device sends on `update/status`.

const V = Type.Literal(1);
const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Iso = Type.String({
  minLength: 20,
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$',
});
/** Semantic version 2.0.0 (https://semver.org §2, §9, §10), optional leading `v` not allowed. */
export const SEMVER_PATTERN = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$';
export const SemVer = Type.String({ maxLength: 64, pattern: SEMVER_PATTERN });
export const ARTIFACT_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,127}$';
const Model = Type.String({ minLength: 1, maxLength: 64 });

/** `agent`: a release of the Outpost agent itself (its release tarball), installed beside the running one. */
export const ARTIFACT_KINDS = ['firmware', 'app', 'file', 'agent'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];
export const ArtifactKindSchema = Type.Union(ARTIFACT_KINDS.map((k) => Type.Literal(k)));

/** What a release key signs: one artifact, bound to its hash, length, models and expiry. */
export const ManifestBody = Type.Object(
  {
    type: Type.Literal('manifest'),
    name: Type.String({ pattern: ARTIFACT_NAME_PATTERN }),
    version: SemVer,
    kind: ArtifactKindSchema,
    sha256: Hex64,
    length: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    models: Type.Array(Model, { minItems: 1, maxItems: 64 }),
    /** The device must already run at least this version (e.g. a migration step in between). */
    minVersion: Type.Optional(SemVer),
    /** Anti-rollback counter: a device refuses any manifest below the highest it installed. */
    counter: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
    issuedAt: Iso,
    expires: Iso,
  },
  { additionalProperties: false },
);
export type ManifestBody = Static<typeof ManifestBody>;

/** Ed25519 over the canonical JSON of `signed`; `keyid` is SHA-256 of the key's SPKI DER (hex). */
export const UpdateSignature = Type.Object(
  { keyid: Hex64, sig: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type UpdateSignature = Static<typeof UpdateSignature>;

export const SignedManifest = Type.Object(
  { signed: ManifestBody, signatures: Type.Array(UpdateSignature, { minItems: 1, maxItems: 16 }) },
  { additionalProperties: false },
);
export type SignedManifest = Static<typeof SignedManifest>;

export const TrustedKey = Type.Object(
  { keyid: Hex64, publicKeyPem: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
export type TrustedKey = Static<typeof TrustedKey>;

/** The update trust root: which release keys a device trusts, and how many must sign. */
export const RootBody = Type.Object(
  {
    type: Type.Literal('root'),
    version: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    expires: Iso,
    threshold: Type.Integer({ minimum: 1, maximum: 16 }),
    keys: Type.Array(TrustedKey, { minItems: 1, maxItems: 16 }),
  },
  { additionalProperties: false },
);
export type RootBody = Static<typeof RootBody>;

export const SignedRoot = Type.Object(
  { signed: RootBody, signatures: Type.Array(UpdateSignature, { minItems: 1, maxItems: 32 }) },
  { additionalProperties: false },
);
export type SignedRoot = Static<typeof SignedRoot>;

export const MAX_ROOT_CHAIN = 16;

/** hub → device, `update/job`, QoS 1: install an artifact, cancel a job, or go back to the previous slot. */
export const UpdateJobMessage = Type.Union([
  Type.Object(
    {
      v: V,
      action: Type.Literal('install'),
      jobId: Type.String({ minLength: 1, maxLength: 64 }),
      rolloutId: Type.String({ minLength: 1, maxLength: 64 }),
      attempt: Type.Integer({ minimum: 1, maximum: 1000 }),
      manifest: SignedManifest,
      /** The hub's roots, oldest first (the newest MAX_ROOT_CHAIN): a device walks a rotation (TUF §5.3.4), or takes the oldest when it holds none. */
      roots: Type.Array(SignedRoot, { maxItems: MAX_ROOT_CHAIN }),
      url: Type.String({ minLength: 1, maxLength: 1024 }),
      healthDeadlineS: Type.Integer({ minimum: 1, maximum: 86_400 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { v: V, action: Type.Literal('cancel'), jobId: Type.String({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { v: V, action: Type.Literal('revert'), jobId: Type.String({ minLength: 1, maxLength: 64 }), toVersion: SemVer },
    { additionalProperties: false },
  ),
]);
export type UpdateJobMessage = Static<typeof UpdateJobMessage>;

/** Device job states (DESIGN.md, "Device job"). `queued` and `canceled` are set by the hub only. */
export const JOB_STATES = [
  'queued',
  'downloading',
  'downloaded',
  'installing',
  'rebooting',
  'verifying',
  'succeeded',
  'failed',
  'rolled_back',
  'skipped',
  'canceled',
] as const;
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_JOB_STATES: readonly JobState[] = ['succeeded', 'failed', 'rolled_back', 'skipped', 'canceled'];
export const REPORTED_JOB_STATES = [
  'downloading',
  'downloaded',
  'installing',
  'rebooting',
  'verifying',
  'succeeded',
  'failed',
  'rolled_back',
  'skipped',
  'canceled',
  'reverted',
] as const;

/** device → hub, `update/status`, QoS 1: one step of a job (re-sent after a reconnect). */
export const UpdateStatusMessage = Type.Object(
  {
    v: V,
    jobId: Type.String({ minLength: 1, maxLength: 64 }),
    attempt: Type.Integer({ minimum: 1, maximum: 1000 }),
    state: Type.Union(REPORTED_JOB_STATES.map((s) => Type.Literal(s))),
    at: Millis,
    bytes: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    total: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    /** Offset a resumed download continued from. */
    resumedFrom: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    /** A stable reason code (`signature_invalid`, `health_check_failed`, …). */
    reason: Type.Optional(Type.String({ maxLength: 64 })),
    message: Type.Optional(Type.String({ maxLength: 512 })),
    /** The failure may go away on its own (link loss, download error): the hub may retry. */
    transient: Type.Optional(Type.Boolean()),
    firmware: Type.Optional(Type.String({ maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type UpdateStatusMessage = Static<typeof UpdateStatusMessage>;
