import { Type, type Static } from '@sinclair/typebox';

// IEC 61850 rules of the guard policy (schema version 2, field `iec61850`): what an MMS client
// may do through the inline MMS guard. Object references are written the IEC 61850 way,
// `LD/LN.DO.DA` (`LD0/XCBR1.Pos.stVal`), with `*` standing for any run of characters inside one
// name part (`*/CSWI*.Pos`), and a functional constraint set apart (`fc`).

/** The MMS confirmed services a policy can name (ISO 9506-2 §7.3.1). */
export const GUARD_MMS_SERVICES = [
  'status',
  'getNameList',
  'identify',
  'read',
  'write',
  'getVariableAccessAttributes',
  'defineNamedVariableList',
  'getNamedVariableListAttributes',
  'deleteNamedVariableList',
  'fileOpen',
  'fileRead',
  'fileClose',
  'fileDirectory',
] as const;
export type GuardMmsService = (typeof GUARD_MMS_SERVICES)[number];

/** Functional constraints (IEC 61850-7-2 §6.6) a rule can name. */
export const GUARD_MMS_FCS = [
  'ST',
  'MX',
  'CO',
  'SP',
  'SG',
  'SE',
  'CF',
  'DC',
  'SV',
  'EX',
  'BR',
  'RP',
  'LG',
  'GO',
] as const;
export type GuardMmsFc = (typeof GUARD_MMS_FCS)[number];

const Strict = { additionalProperties: false } as const;
// The same as GuardStateName (guard-policy-rules.ts imports this file).
const StateName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const RefPattern = Type.String({
  minLength: 1,
  maxLength: 129,
  pattern: '^[A-Za-z0-9_*]+(/[A-Za-z0-9_*]+(\\.[A-Za-z0-9_*]+)*)?$',
});
const Fc = Type.Union(GUARD_MMS_FCS.map((f) => Type.Literal(f)));
const Service = Type.Union(GUARD_MMS_SERVICES.map((s) => Type.Literal(s)));

/**
 * A set of data objects: a reference pattern (it names that object and everything below it) and,
 * optionally, the functional constraints it is limited to.
 */
export const GuardMmsObjectRef = Type.Object(
  { ref: RefPattern, fc: Type.Optional(Type.Array(Fc, { minItems: 1, maxItems: GUARD_MMS_FCS.length })) },
  Strict,
);
export type GuardMmsObjectRef = Static<typeof GuardMmsObjectRef>;

const Refs = Type.Array(GuardMmsObjectRef, { minItems: 1, maxItems: 64 });

/** Objects read or written: when `allow` is set every object named must lie in it; `deny` always wins. */
const ObjectList = Type.Object({ allow: Type.Optional(Refs), deny: Type.Optional(Refs) }, Strict);

/**
 * What a state (declared in the policy's `states`, e.g. a hotline tag set by a signed grant) does
 * to the writes of control (CO) and setting (SP, SG, SE) objects it names: `allow` lets them
 * through while it is set, `require` refuses them unless it is set, `forbid` refuses them while it is set.
 */
export const GuardMmsStateRule = Type.Object(
  {
    state: StateName,
    effect: Type.Union([Type.Literal('allow'), Type.Literal('require'), Type.Literal('forbid')]),
    objects: Refs,
  },
  Strict,
);
export type GuardMmsStateRule = Static<typeof GuardMmsStateRule>;

/**
 * Controls of the objects named: with `sbo: 'required'` an `Oper` passes only after an `SBOw`
 * of the same control object by the same client within `timeoutMs` (select-before-operate with
 * enhanced security, IEC 61850-7-2 §20); `Cancel` ends a selection.
 */
export const GuardMmsControlRule = Type.Object(
  {
    objects: Refs,
    sbo: Type.Union([Type.Literal('required'), Type.Literal('optional')]),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  },
  Strict,
);
export type GuardMmsControlRule = Static<typeof GuardMmsControlRule>;

/** Bounds on the number written to the objects named (integers, unsigned, floats, control values). */
export const GuardMmsValueRule = Type.Object(
  {
    objects: Refs,
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    /** The written value must be min (or 0) plus a whole number of steps. */
    step: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  Strict,
);
export type GuardMmsValueRule = Static<typeof GuardMmsValueRule>;

/** At most `perSecond` requests (sustained) and `burst` at once per client, for one service (all when omitted). */
export const GuardMmsRateLimit = Type.Object(
  {
    service: Type.Optional(Service),
    perSecond: Type.Number({ exclusiveMinimum: 0, maximum: 100_000 }),
    burst: Type.Integer({ minimum: 1, maximum: 100_000 }),
  },
  Strict,
);
export type GuardMmsRateLimit = Static<typeof GuardMmsRateLimit>;

/**
 * The IEC 61850 (MMS) rules. `services`: the confirmed services allowed (when omitted: every one
 * named in GUARD_MMS_SERVICES). Writes to CO, SP, SG and SE objects pass only under a state rule
 * with effect `allow` whose state holds (`gatedFcs` changes that list; under `readOnly` every
 * write is gated).
 */
export const GuardMmsRules = Type.Object(
  {
    services: Type.Optional(Type.Array(Service, { maxItems: GUARD_MMS_SERVICES.length })),
    read: Type.Optional(ObjectList),
    write: Type.Optional(ObjectList),
    gatedFcs: Type.Optional(Type.Array(Fc, { maxItems: GUARD_MMS_FCS.length })),
    stateRules: Type.Optional(Type.Array(GuardMmsStateRule, { maxItems: 64 })),
    controls: Type.Optional(Type.Array(GuardMmsControlRule, { maxItems: 64 })),
    values: Type.Optional(Type.Array(GuardMmsValueRule, { maxItems: 128 })),
    rateLimits: Type.Optional(Type.Array(GuardMmsRateLimit, { maxItems: 32 })),
  },
  Strict,
);
export type GuardMmsRules = Static<typeof GuardMmsRules>;
