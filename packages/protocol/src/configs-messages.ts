import { Type, type Static } from '@sinclair/typebox';

// Settings travel as a flat map of dotted keys (`firewall.wan.open_ports`): each key is one leaf
// of the device's settings tree, so desired values, reports and diffs name the same thing.
export const SETTING_KEY_PATTERN = '^[A-Za-z0-9_-]{1,64}(\\.[A-Za-z0-9_-]{1,64}){0,7}$';
export const SETTING_KEY = new RegExp(SETTING_KEY_PATTERN);
export const MAX_SETTINGS = 2000;
export const MAX_FILES = 32;
/** Largest file a template may place on a device, in bytes (before base64). */
export const MAX_FILE_BYTES = 64 * 1024;

const V = Type.Literal(1);
const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Key = Type.String({ minLength: 1, maxLength: 520, pattern: SETTING_KEY_PATTERN });
const Scalar = Type.Union([Type.String({ maxLength: 4096 }), Type.Number(), Type.Boolean(), Type.Null()]);
/** A leaf value: a scalar or a list of scalars (port lists, server lists). */
export const SettingValue = Type.Union([Scalar, Type.Array(Scalar, { maxItems: 256 })]);
export type SettingValue = Static<typeof SettingValue>;
/** How a device reports a secret: HMAC-SHA256 of the value under the key the hub sent it. */
export const SecretDigest = Type.Object(
  { $digest: Type.String({ pattern: '^[0-9a-f]{64}$' }) },
  { additionalProperties: false },
);
export type SecretDigest = Static<typeof SecretDigest>;
const FilePath = Type.String({ minLength: 2, maxLength: 256, pattern: '^/[^\\0]*$' });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const Mode = Type.Integer({ minimum: 0, maximum: 0o7777 });

/** hub → device, retained: the whole desired state of one device. */
export const DesiredMessage = Type.Object(
  {
    v: V,
    // Monotonic per device; a device never goes back to a lower version.
    version: Type.Integer({ minimum: 1 }),
    settings: Type.Record(Key, SettingValue, { maxProperties: MAX_SETTINGS }),
    /** Keys whose values are secret: the device reports only their digest. */
    secrets: Type.Array(Key, { maxItems: MAX_SETTINGS }),
    /** Keys under `report` policy: applied when their desired value changes, never to undo a local change. */
    observe: Type.Array(Type.String({ maxLength: 520 }), { maxItems: MAX_SETTINGS + MAX_FILES }),
    files: Type.Array(
      Type.Object(
        {
          path: FilePath,
          sha256: Sha256,
          mode: Mode,
          content: Type.String({ maxLength: Math.ceil(MAX_FILE_BYTES / 3) * 4 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_FILES },
    ),
    /** Base64 key for secret digests (HMAC-SHA256), derived per device by the hub. */
    digestKey: Type.String({ minLength: 16, maxLength: 64 }),
    /** While set and in the future, local changes to managed keys are allowed and nothing is applied. */
    maintenanceUntil: Type.Union([Millis, Type.Null()]),
    /** An operator asked to put everything back: apply `observe` keys too. */
    reconverge: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type DesiredMessage = Static<typeof DesiredMessage>;

export const ApplyResult = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 520 }),
    status: Type.Union([
      Type.Literal('applied'),
      Type.Literal('unchanged'),
      Type.Literal('skipped'),
      Type.Literal('failed'),
    ]),
    error: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type ApplyResult = Static<typeof ApplyResult>;

export const LocalChange = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 520 }),
    at: Millis,
    /** Who was logged in on the device when the change was seen. */
    users: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 8 }),
    /** Through the agent (allowed in maintenance) or behind its back (a direct edit). */
    via: Type.Union([Type.Literal('agent'), Type.Literal('direct')]),
  },
  { additionalProperties: false },
);
export type LocalChange = Static<typeof LocalChange>;

/** device → hub: the device's settings as they are, and what happened to the last desired document. */
export const ReportedMessage = Type.Object(
  {
    v: V,
    ts: Millis,
    /** The desired version this report answers (0 before the first one). */
    desiredVersion: Type.Integer({ minimum: 0 }),
    settings: Type.Record(Key, Type.Union([SettingValue, SecretDigest]), { maxProperties: MAX_SETTINGS }),
    files: Type.Array(
      Type.Object(
        { path: FilePath, sha256: Type.Union([Sha256, Type.Null()]), mode: Type.Union([Mode, Type.Null()]) },
        { additionalProperties: false },
      ),
      { maxItems: MAX_FILES },
    ),
    results: Type.Array(ApplyResult, { maxItems: MAX_SETTINGS + MAX_FILES }),
    localChanges: Type.Array(LocalChange, { maxItems: 200 }),
    maintenanceUntil: Type.Union([Millis, Type.Null()]),
    /** Only managed keys were sent because the whole tree did not fit. */
    truncated: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ReportedMessage = Static<typeof ReportedMessage>;
