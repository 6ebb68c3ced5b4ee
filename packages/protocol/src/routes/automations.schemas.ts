import { Type, type Static } from '@sinclair/typebox';
import { FilterText, literals } from './common.schemas.js';

// The automation document: a trigger, a target, steps in order and the guards around them.
// Every change stores a new version; a run records the version it ran.

const Name = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' });
const Cron = Type.String({ minLength: 1, maxLength: 128 });
const TimeZone = Type.String({ minLength: 1, maxLength: 64 });
const GroupPath = Type.String({ minLength: 1, maxLength: 256 });
const CommandName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9-]{0,63}$' });
const TimeoutS = Type.Integer({ minimum: 1, maximum: 86_400 });
/** The devices a device trigger watches (default: every device in the maker's scope). */
const Watch = Type.Optional(FilterText);
const Args = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 32 });

export const TRIGGER_KINDS = ['cron', 'alert', 'device_event', 'offline', 'health', 'group_join', 'manual'] as const;
export const STEP_TYPES = [
  'command',
  'reboot',
  'diagnostic',
  'config_override',
  'enforce_template',
  'wait',
  'notify',
  'rollout',
] as const;
/** What a step's result leads to: the next step, no further step (the device is done), or a failed device. */
export const STEP_ACTIONS = ['continue', 'skip_rest', 'fail'] as const;
/** A step's result as conditions see it. */
export const STEP_OUTCOMES = ['ok', 'failed', 'timeout'] as const;

export const AutomationTrigger = Type.Union([
  Type.Object({ kind: Type.Literal('cron'), cron: Cron, timezone: TimeZone }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('alert'),
      on: literals(['fired', 'resolved']),
      ruleId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      ruleType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      watch: Watch,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('device_event'), eventType: Type.String({ minLength: 1, maxLength: 128 }), watch: Watch },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('offline'), forMin: Type.Integer({ minimum: 1, maximum: 30 * 1440 }), watch: Watch },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('health'), status: literals(['warning', 'critical']), watch: Watch },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('group_join'), group: GroupPath }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('manual') }, { additionalProperties: false }),
]);

/** The devices a run acts on: the one that triggered it, or a group and/or filter evaluated when the run starts. */
export const AutomationTarget = Type.Union([
  Type.Object({ kind: Type.Literal('trigger_device') }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('devices'), group: Type.Optional(GroupPath), filter: Type.Optional(FilterText) },
    { additionalProperties: false },
  ),
]);

const On = Type.Object(
  {
    ok: Type.Optional(literals(STEP_ACTIONS)),
    failed: Type.Optional(literals(STEP_ACTIONS)),
    timeout: Type.Optional(literals(STEP_ACTIONS)),
  },
  { additionalProperties: false },
);
const stepBase = {
  timeoutS: Type.Optional(TimeoutS),
  on: Type.Optional(On),
  label: Type.Optional(Type.String({ maxLength: 128 })),
};

const MaintenanceWindow = Type.Object(
  {
    cron: Cron,
    durationMin: Type.Integer({ minimum: 1, maximum: 7 * 1440 }),
    timezone: TimeZone,
  },
  { additionalProperties: false },
);
const RolloutWave = Type.Object(
  {
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

export const AutomationStep = Type.Union([
  Type.Object(
    { type: Type.Literal('command'), name: CommandName, args: Type.Optional(Args), ...stepBase },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('reboot'), ...stepBase }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('diagnostic'),
      name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z][a-z0-9._-]{0,63}$' }),
      param: Type.Optional(Type.String({ maxLength: 256 })),
      ...stepBase,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('config_override'),
      /** Per-device override values; null clears that key's override. */
      values: Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), { minProperties: 1, maxProperties: 64 }),
      /** `compliant` (default): the step ends when the device reports the new state; `set`: once stored. */
      waitFor: Type.Optional(literals(['set', 'compliant'])),
      ...stepBase,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('enforce_template'),
      /** The template's name (or id). */
      templateId: Type.String({ minLength: 1, maxLength: 64 }),
      /** `compliant` (default): the step ends when the device reports compliance; `sent`: once pushed. */
      waitFor: Type.Optional(literals(['sent', 'compliant'])),
      ...stepBase,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('wait'),
      /** Waits this long; with `until`, waits until the condition holds, at most `timeoutS`. */
      forS: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 86_400 })),
      until: Type.Optional(literals(['online', 'offline', 'health_normal'])),
      ...stepBase,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('notify'),
      channelId: Type.String({ minLength: 1, maxLength: 64 }),
      message: Type.String({ minLength: 1, maxLength: 2000 }),
      ...stepBase,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('rollout'),
      /** The release (a signed artifact) rolled out to the run's devices: one rollout per run and step. */
      artifactId: Type.String({ minLength: 1, maxLength: 64 }),
      /** The rollout's own guards, as for `POST /api/v1/rollouts`. */
      waves: Type.Optional(Type.Array(RolloutWave, { minItems: 1, maxItems: 20 })),
      successThresholdPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      advance: Type.Optional(literals(['auto', 'approval'])),
      abortFailures: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
      abortFailurePct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
      maxInFlight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
      deviceTimeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
      maintenanceWindow: Type.Optional(MaintenanceWindow),
      ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
      /** false: the rollout is left as a draft for an operator to start. */
      start: Type.Optional(Type.Boolean()),
      /** `created` (default): the step ends once the rollout exists; `finished`: when it completes (ok) or stops (failed). */
      waitFor: Type.Optional(literals(['created', 'finished'])),
      ...stepBase,
    },
    { additionalProperties: false },
  ),
]);

export const AutomationGuards = Type.Object(
  {
    maxDevices: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    /** Devices started per minute, at most. */
    perMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    maintenanceWindow: Type.Optional(MaintenanceWindow),
    /** A device acted on by this automation is not acted on again for this long. */
    cooldownMin: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 1440 })),
    /** A run on more devices than this waits for an operator's approval. */
    approvalAbove: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    /** Devices offline when their turn comes: skipped with a reason, or taken up when they return (within `pickUpWithinMin`). */
    offline: Type.Optional(literals(['skip', 'pick_up', 'proceed'])),
    pickUpWithinMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 1440 })),
  },
  { additionalProperties: false },
);

const automationFields = {
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  enabled: Type.Optional(Type.Boolean()),
  trigger: AutomationTrigger,
  target: AutomationTarget,
  steps: Type.Array(AutomationStep, { minItems: 1, maxItems: 20 }),
  guards: Type.Optional(AutomationGuards),
  /** A fresh second-factor code, for steps that reboot or change configuration (when MFA is enrolled). */
  otp: Type.Optional(Type.String({ maxLength: 16 })),
};
export const NewAutomationBody = Type.Object({ name: Name, ...automationFields }, { additionalProperties: false });
export const AutomationChangeBody = Type.Object(automationFields, { additionalProperties: false });
export const RunAutomationBody = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean()),
    /** A device for a `trigger_device` target run by hand. */
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export const NameParam = Type.Object({ name: Name });

/** What is scheduled: one device action, at a time or on a cron, on a device, group or filter. */
export const ScheduleAction = Type.Union([
  Type.Object(
    { type: Type.Literal('command'), name: CommandName, args: Type.Optional(Args) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('reboot') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('config_override'),
      values: Type.Record(Type.String({ maxLength: 128 }), Type.Unknown(), { minProperties: 1, maxProperties: 64 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('enforce_template'), templateId: Type.String({ minLength: 1, maxLength: 64 }) },
    { additionalProperties: false },
  ),
]);
export const NewScheduleBody = Type.Object(
  {
    name: Name,
    action: ScheduleAction,
    /** Once at this instant (ISO-8601), or on `cron` in `timezone`. */
    at: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
    cron: Type.Optional(Cron),
    timezone: Type.Optional(TimeZone),
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    group: Type.Optional(GroupPath),
    filter: Type.Optional(FilterText),
    maintenanceWindow: Type.Optional(MaintenanceWindow),
    /** Offline devices are skipped with a reason; with true they are taken up when they return (within `pickUpWithinMin`). */
    pickUpOffline: Type.Optional(Type.Boolean()),
    pickUpWithinMin: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 * 1440 })),
    timeoutS: Type.Optional(TimeoutS),
    otp: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false },
);

export type AutomationTrigger = Static<typeof AutomationTrigger>;
export type AutomationTarget = Static<typeof AutomationTarget>;
export type AutomationStep = Static<typeof AutomationStep>;
export type AutomationGuards = Static<typeof AutomationGuards>;
export type AutomationInput = Static<typeof NewAutomationBody>;
export type AutomationChange = Static<typeof AutomationChangeBody>;
export type ScheduleAction = Static<typeof ScheduleAction>;
export type ScheduleInput = Static<typeof NewScheduleBody>;
export type StepAction = (typeof STEP_ACTIONS)[number];
export type StepOutcome = (typeof STEP_OUTCOMES)[number];
