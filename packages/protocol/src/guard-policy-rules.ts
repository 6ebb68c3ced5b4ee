import { Type, type Static } from '@sinclair/typebox';
import { GuardIdentify } from './guard-identify.js';
import { GuardMmsRules } from './guard-policy-iec61850.js';

// Rule kinds of the guard policy language, schema version 2 (docs/GUARD-POLICY.md). A version 1
// document (no `schema`, or `schema: 1`) holds none of them and means the same under version 2.

const Word = Type.Integer({ minimum: 0, maximum: 0xffff });
const Octet = Type.Integer({ minimum: 0, maximum: 0xff });
const Master = Type.String({ minLength: 1, maxLength: 64 });
const Masters = Type.Array(Master, { maxItems: 64 });
const Units = Type.Array(Word, { maxItems: 256 });
const Strict = { additionalProperties: false } as const;

export const GUARD_POLICY_SCHEMA = 2;
const PolicyClassName = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('control')]);

/**
 * One function code, optionally one sub-function (Modbus FC 8 diagnostics sub-function, FC 43 MEI
 * type). `as`, on an allowed code the guard does not know (a proprietary one such as UMAS 90),
 * is the class it is judged under; unknown codes are otherwise never allowed.
 */
export const GuardFunctionRef = Type.Object(
  { fc: Octet, sub: Type.Optional(Word), as: Type.Optional(PolicyClassName) },
  Strict,
);
export type GuardFunctionRef = Static<typeof GuardFunctionRef>;

const FunctionList = Type.Object(
  {
    allow: Type.Optional(Type.Array(GuardFunctionRef, { maxItems: 64 })),
    deny: Type.Optional(Type.Array(GuardFunctionRef, { maxItems: 64 })),
  },
  Strict,
);

/** Per protocol: when `allow` is set only the codes it names pass; `deny` always wins. */
export const GuardFunctionRules = Type.Object(
  { modbus: Type.Optional(FunctionList), dnp3: Type.Optional(FunctionList) },
  Strict,
);
export type GuardFunctionRules = Static<typeof GuardFunctionRules>;

const Span = Type.Object(
  {
    table: Type.Union([Type.Literal('coil'), Type.Literal('discrete'), Type.Literal('holding'), Type.Literal('input')]),
    start: Word,
    end: Word,
  },
  Strict,
);

/**
 * Who may read and who may write what. A rule applies to the masters and units it names (all
 * when omitted); an address read must lie in the `read` spans of the rules that apply, an
 * address written in their `write` spans.
 */
export const GuardAccessRule = Type.Object(
  {
    masters: Type.Optional(Masters),
    units: Type.Optional(Units),
    read: Type.Optional(Type.Array(Span, { maxItems: 128 })),
    write: Type.Optional(Type.Array(Span, { maxItems: 128 })),
  },
  Strict,
);
export type GuardAccessRule = Static<typeof GuardAccessRule>;

const Value = Type.Integer({ minimum: -0x80000000, maximum: 0xffffffff });

const CROB_OPS = ['nul', 'pulse_on', 'pulse_off', 'latch_on', 'latch_off'] as const;

/**
 * Names of DNP3 CROB control codes (IEEE 1815-2012 Annex A, g12v1): the operation type, after
 * the trip-close code when there is one (`close_pulse_on`, `trip_pulse_on`, `latch_off`, ...).
 */
export const GUARD_CROB_CODES: readonly string[] = ['', 'close_', 'trip_'].flatMap((t) => CROB_OPS.map((o) => t + o));

/**
 * What may be written to coils or holding registers (a coil reads 0 or 1; DNP3 CROBs and analog
 * outputs count as writes to coils and holding registers at their point index): bounds, a set of
 * allowed values, and the largest change from the value last read from that address. On coils,
 * the CROB fields limit DNP3 control relay output blocks: the control codes allowed, the pulse
 * count and the on and off times.
 */
export const GuardValueRule = Type.Object(
  {
    units: Type.Optional(Units),
    table: Type.Union([Type.Literal('coil'), Type.Literal('holding')]),
    start: Word,
    end: Word,
    min: Type.Optional(Value),
    max: Type.Optional(Value),
    allowed: Type.Optional(Type.Array(Value, { minItems: 1, maxItems: 64 })),
    maxStep: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
    crobCodes: Type.Optional(
      Type.Array(Type.Union(GUARD_CROB_CODES.map((c) => Type.Literal(c))), { minItems: 1, maxItems: 15 }),
    ),
    maxCount: Type.Optional(Octet),
    maxOnMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
    maxOffMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffffffff })),
  },
  Strict,
);
export type GuardValueRule = Static<typeof GuardValueRule>;

/** A DNP3 object group, and one variation of it or (omitted) every variation. */
export const GuardObjectRef = Type.Object({ group: Octet, variation: Type.Optional(Octet) }, Strict);
export type GuardObjectRef = Static<typeof GuardObjectRef>;

/** DNP3 objects in requests: when `allow` is set only the objects it names pass; `deny` always wins. */
export const GuardObjectRules = Type.Object(
  {
    allow: Type.Optional(Type.Array(GuardObjectRef, { maxItems: 64 })),
    deny: Type.Optional(Type.Array(GuardObjectRef, { maxItems: 64 })),
  },
  Strict,
);
export type GuardObjectRules = Static<typeof GuardObjectRules>;

/**
 * At most `perSecond` requests (sustained) and `burst` at once, per master and function code,
 * from the masters named (all when omitted), for one protocol and function (all when omitted).
 */
export const GuardRateLimit = Type.Object(
  {
    masters: Type.Optional(Masters),
    protocol: Type.Optional(Type.Union([Type.Literal('modbus'), Type.Literal('dnp3')])),
    fc: Type.Optional(Octet),
    perSecond: Type.Number({ exclusiveMinimum: 0, maximum: 100_000 }),
    burst: Type.Integer({ minimum: 1, maximum: 100_000 }),
  },
  Strict,
);
export type GuardRateLimit = Static<typeof GuardRateLimit>;

/** DNP3 internal indications by name (IEEE 1815-2012 §4.2.2.6), IIN1 then IIN2. */
export const DNP3_IIN_BITS = {
  broadcast: 0x0100,
  class_1_events: 0x0200,
  class_2_events: 0x0400,
  class_3_events: 0x0800,
  need_time: 0x1000,
  local_control: 0x2000,
  device_trouble: 0x4000,
  device_restart: 0x8000,
  no_func_code_support: 0x0001,
  object_unknown: 0x0002,
  parameter_error: 0x0004,
  event_buffer_overflow: 0x0008,
  already_executing: 0x0010,
  config_corrupt: 0x0020,
} as const;
export type Dnp3IinName = keyof typeof DNP3_IIN_BITS;

/** Replies that raise a `guard.response` event: Modbus exception codes and DNP3 IIN bits. */
export const GuardResponseRules = Type.Object(
  {
    modbusExceptions: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 0xff }), { maxItems: 32 })),
    dnp3Iin: Type.Optional(
      Type.Array(Type.Union(Object.keys(DNP3_IIN_BITS).map((k) => Type.Literal(k as Dnp3IinName))), {
        maxItems: 16,
      }),
    ),
  },
  Strict,
);
export type GuardResponseRules = Static<typeof GuardResponseRules>;

/** The name of a state: letters, digits and `_ . : -`. */
export const GuardStateName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:-]+$' });
const StateName = GuardStateName;

/**
 * A named state the guard holds. `from: 'grant'`: set while a signed write grant naming it
 * (`setsState`) is valid (a hotline tag, with its operator and ticket). `from: 'value'`: set while the value last
 * read from one address equals `equals` (breaker status register reads 0 = open); unknown until
 * a read returned it.
 */
export const GuardStateDef = Type.Union([
  Type.Object({ name: StateName, from: Type.Literal('grant') }, Strict),
  Type.Object(
    {
      name: StateName,
      from: Type.Literal('value'),
      unit: Word,
      table: Type.Union([
        Type.Literal('coil'),
        Type.Literal('discrete'),
        Type.Literal('holding'),
        Type.Literal('input'),
      ]),
      address: Word,
      equals: Type.Integer({ minimum: 0, maximum: 0xffff }),
    },
    Strict,
  ),
]);
export type GuardStateDef = Static<typeof GuardStateDef>;

/**
 * What a state does to the writes and operates (requests of class write or control) it matches:
 * `allow` lets them through without a write grant while the state is set (they still pass every
 * other rule), `require` refuses them unless it is set, `forbid` refuses them while it is set.
 * A rule matches by protocol, units and function codes (each: all when omitted) and, with
 * `table`, by the written addresses (`allow`: every one inside start..end; the others: any).
 */
export const GuardStateRule = Type.Object(
  {
    state: StateName,
    effect: Type.Union([Type.Literal('allow'), Type.Literal('require'), Type.Literal('forbid')]),
    protocol: Type.Optional(Type.Union([Type.Literal('modbus'), Type.Literal('dnp3')])),
    units: Type.Optional(Units),
    functions: Type.Optional(Type.Array(Octet, { minItems: 1, maxItems: 32 })),
    table: Type.Optional(
      Type.Union([Type.Literal('coil'), Type.Literal('discrete'), Type.Literal('holding'), Type.Literal('input')]),
    ),
    start: Type.Optional(Word),
    end: Type.Optional(Word),
  },
  Strict,
);
export type GuardStateRule = Static<typeof GuardStateRule>;

/** DNP3 SELECT-before-OPERATE: an OPERATE passes only after a SELECT of the same objects by the same master within `timeoutMs`. */
export const GuardSelectBeforeOperate = Type.Object(
  { timeoutMs: Type.Integer({ minimum: 100, maximum: 600_000 }) },
  Strict,
);
export type GuardSelectBeforeOperate = Static<typeof GuardSelectBeforeOperate>;

/**
 * One step of a procedure: the write or operate that performs it, by protocol, unit and function
 * codes (each: any when omitted), the point written (table and address; a DNP3 CROB is a coil, an
 * analog output a holding register) and, optionally, the value written. `timeoutMs`: the step must
 * come at most this long after the step before (the first: after the procedure's grant became valid).
 */
export const GuardProcedureStep = Type.Object(
  {
    name: StateName,
    protocol: Type.Optional(Type.Union([Type.Literal('modbus'), Type.Literal('dnp3')])),
    unit: Type.Optional(Word),
    functions: Type.Optional(Type.Array(Octet, { minItems: 1, maxItems: 8 })),
    table: Type.Union([Type.Literal('coil'), Type.Literal('holding')]),
    address: Word,
    value: Type.Optional(Value),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 86_400_000 })),
  },
  Strict,
);
export type GuardProcedureStep = Static<typeof GuardProcedureStep>;

/**
 * An ordered operation workflow (tag on, open breaker, ground, ..., tag off). It is started by a
 * valid grant setting the state `startedBy` (declared `from: 'grant'`: its operator, reason and
 * ticket are the procedure's) and runs while that grant is valid. A write or operate touching a
 * point one of its steps names passes only as the step next due, once; the others are refused
 * naming the expected step.
 */
export const GuardProcedure = Type.Object(
  {
    name: StateName,
    startedBy: StateName,
    steps: Type.Array(GuardProcedureStep, { minItems: 1, maxItems: 32 }),
  },
  Strict,
);
export type GuardProcedure = Static<typeof GuardProcedure>;

/** The version 2 fields of a policy (all optional). */
export const GuardPolicyRulesFields = {
  schema: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(GUARD_POLICY_SCHEMA)])),
  functions: Type.Optional(GuardFunctionRules),
  access: Type.Optional(Type.Array(GuardAccessRule, { maxItems: 64 })),
  values: Type.Optional(Type.Array(GuardValueRule, { maxItems: 128 })),
  dnp3Objects: Type.Optional(GuardObjectRules),
  rateLimits: Type.Optional(Type.Array(GuardRateLimit, { maxItems: 32 })),
  responses: Type.Optional(GuardResponseRules),
  states: Type.Optional(Type.Array(GuardStateDef, { maxItems: 32 })),
  stateRules: Type.Optional(Type.Array(GuardStateRule, { maxItems: 64 })),
  selectBeforeOperate: Type.Optional(GuardSelectBeforeOperate),
  procedures: Type.Optional(Type.Array(GuardProcedure, { maxItems: 16 })),
  /** Active identity queries (guard-identify.ts); not a rule: it decides nothing. */
  identify: Type.Optional(GuardIdentify),
  iec61850: Type.Optional(GuardMmsRules),
};

/** Names of the fields only a version 2 document may hold. */
export const GUARD_POLICY_V2_FIELDS = [
  'functions',
  'access',
  'values',
  'dnp3Objects',
  'rateLimits',
  'responses',
  'procedures',
  'iec61850',
] as const;
