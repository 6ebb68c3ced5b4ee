import { Type } from '@sinclair/typebox';
import { literals } from './common.schemas.js';

const Wave = Type.Object(
  {
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);
const RolloutTarget = Type.Object(
  {
    group: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    filter: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
  },
  { additionalProperties: false },
);
const Retries = Type.Object(
  {
    max: Type.Integer({ minimum: 0, maximum: 20 }),
    baseS: Type.Number({ minimum: 0.01, maximum: 86_400 }),
    capS: Type.Optional(Type.Number({ minimum: 0.01, maximum: 7 * 86_400 })),
  },
  { additionalProperties: false },
);
const MaintenanceWindow = Type.Object(
  {
    cron: Type.String({ minLength: 1, maxLength: 128 }),
    durationMin: Type.Integer({ minimum: 1, maximum: 7 * 1440 }),
    timezone: Type.String({ minLength: 1, maxLength: 64 }),
  },
  { additionalProperties: false },
);

export const NewRolloutBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    artifactId: Type.String({ minLength: 1, maxLength: 64 }),
    target: RolloutTarget,
    waves: Type.Optional(Type.Array(Wave, { minItems: 1, maxItems: 20 })),
    successThresholdPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    advance: Type.Optional(literals(['auto', 'approval'])),
    abortFailures: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    abortFailurePct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    maxInFlight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    deviceTimeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    retries: Type.Optional(Retries),
    maintenanceWindow: Type.Optional(MaintenanceWindow),
    ratePerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    healthDeadlineS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    rollbackOnAbort: Type.Optional(Type.Boolean()),
    startAt: Type.Optional(Type.String({ maxLength: 40 })),
    deadline: Type.Optional(Type.String({ maxLength: 40 })),
    start: Type.Optional(Type.Boolean()),
    /** A code from the caller's authenticator, when MFA is enrolled and not proved in the last 5 minutes. */
    otp: Type.Optional(Type.String({ minLength: 6, maxLength: 32 })),
  },
  { additionalProperties: false },
);
export const RolloutReasonBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 512 })) },
  { additionalProperties: false },
);
