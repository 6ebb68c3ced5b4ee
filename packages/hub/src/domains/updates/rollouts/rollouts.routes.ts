import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { JOB_STATES } from '@outpost/protocol';
import { actor } from '../../../http/auth.hook.js';
import type { Principal } from '../../users/index.js';
import type { RolloutsService } from './rollouts.service.js';

/** Step-up check for actions that send firmware to devices (see users/step-up.ts). */
export type RolloutStepUp = (p: Principal, otp: string | undefined) => Promise<void>;

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Wave = Type.Object(
  { count: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })), percent: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })) },
  { additionalProperties: false },
);
const Create = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    artifactId: Type.String({ minLength: 1, maxLength: 64 }),
    target: Type.Object({ group: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })), filter: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })) }, { additionalProperties: false }),
    waves: Type.Optional(Type.Array(Wave, { minItems: 1, maxItems: 20 })),
    successThresholdPct: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    advance: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('approval')])),
    abortFailures: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    abortFailurePct: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    maxInFlight: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    deviceTimeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    retries: Type.Optional(
      Type.Object(
        { max: Type.Integer({ minimum: 0, maximum: 20 }), baseS: Type.Number({ minimum: 0.01, maximum: 86_400 }), capS: Type.Optional(Type.Number({ minimum: 0.01, maximum: 7 * 86_400 })) },
        { additionalProperties: false },
      ),
    ),
    maintenanceWindow: Type.Optional(
      Type.Object(
        { cron: Type.String({ minLength: 1, maxLength: 128 }), durationMin: Type.Integer({ minimum: 1, maximum: 7 * 1440 }), timezone: Type.String({ minLength: 1, maxLength: 64 }) },
        { additionalProperties: false },
      ),
    ),
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
const Reason = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 512 })) }, { additionalProperties: false });
const JobsQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(JOB_STATES.map((s) => Type.Literal(s)))),
    wave: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    device: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

export function registerRolloutRoutes(app: FastifyInstance, rollouts: RolloutsService, stepUp: RolloutStepUp) {
  const operator = { role: 'operator' as const };
  const viewer = { role: 'viewer' as const };
  const tags = ['rollouts'];
  app.post<{ Body: Static<typeof Create> }>('/api/v1/rollouts', { config: operator, schema: { tags, body: Create } }, async (req, reply) => {
    const { retries, otp, ...rest } = req.body;
    // Saving a draft sends nothing; anything that can start sending firmware needs the step-up.
    if (rest.start !== false) await stepUp(req.principal!, otp);
    const input = { ...rest, ...(retries ? { retries: { ...retries, capS: retries.capS ?? Math.max(retries.baseS, 900) } } : {}) };
    return reply.status(201).send(await rollouts.create(actor(req), input));
  });
  app.get('/api/v1/rollouts', { config: viewer, schema: { tags } }, async () => ({ items: await rollouts.list() }));
  app.get<{ Params: Static<typeof Id> }>('/api/v1/rollouts/:id', { config: viewer, schema: { tags, params: Id } }, (req) => rollouts.get(req.params.id));
  // Starting, resuming and approving the next wave send firmware: they need the step-up
  // (`POST /api/v1/auth/mfa/verify` first, when MFA is enrolled). Canceling never does.
  for (const verb of ['start', 'resume', 'cancel', 'approve'] as const) {
    app.post<{ Params: Static<typeof Id> }>(`/api/v1/rollouts/:id/${verb}`, { config: operator, schema: { tags, params: Id } }, async (req) => {
      if (verb !== 'cancel') await stepUp(req.principal!, undefined);
      return rollouts[verb](actor(req), req.params.id);
    });
  }
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Reason> }>('/api/v1/rollouts/:id/pause', { config: operator, schema: { tags, params: Id, body: Reason } }, (req) =>
    rollouts.pause(actor(req), req.params.id, req.body.reason),
  );
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Reason> }>('/api/v1/rollouts/:id/abort', { config: operator, schema: { tags, params: Id, body: Reason } }, (req) =>
    rollouts.abort(actor(req), req.params.id, req.body.reason ?? 'aborted by an operator'),
  );
  app.get<{ Params: Static<typeof Id>; Querystring: Static<typeof JobsQuery> }>(
    '/api/v1/rollouts/:id/jobs',
    { config: viewer, schema: { tags, params: Id, querystring: JobsQuery } },
    async (req) => ({
      items: await rollouts.jobs(req.params.id, { state: req.query.state, wave: req.query.wave === undefined ? undefined : req.query.wave - 1, deviceId: req.query.device, limit: req.query.limit, offset: req.query.offset }),
    }),
  );
  app.get<{ Params: Static<typeof Id> }>('/api/v1/rollout-jobs/:id', { config: viewer, schema: { tags, params: Id } }, (req) => rollouts.job(req.params.id));
}
