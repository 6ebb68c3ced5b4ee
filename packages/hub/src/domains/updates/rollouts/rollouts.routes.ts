import type { FastifyInstance } from 'fastify';
import { UPDATES_ROUTES as R, type RolloutInput } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../../http/auth.hook.js';
import { serve } from '../../../http/route-table.js';
import { NotFound } from '../../../platform/errors.js';
import type { Principal } from '../../users/index.js';
import type { RolloutsService } from './rollouts.service.js';

/** Step-up check for actions that send firmware to devices (see users/step-up.ts). */
type RolloutBody = Omit<Parameters<RolloutsService['create']>[1], 'retries'> & {
  retries?: { max: number; baseS: number; capS?: number };
};

export type RolloutStepUp = (p: Principal, otp: string | undefined) => Promise<void>;

/** A rollout's input as the body gives it, the retry cap filled in (at least 15 min). */
function withRetryCap(body: RolloutBody): RolloutInput {
  const { retries, ...rest } = body;
  return retries ? { ...rest, retries: { ...retries, capS: retries.capS ?? Math.max(retries.baseS, 900) } } : rest;
}

export function registerRolloutRoutes(app: FastifyInstance, rollouts: RolloutsService, stepUp: RolloutStepUp) {
  serve(app, R.createRollout, async (req, reply) => {
    const { otp, ...input } = req.body;
    // Saving a draft sends nothing; anything that can start sending firmware needs the step-up.
    if (input.start !== false) await stepUp(req.principal!, otp);
    return reply.status(201).send(await rollouts.create(actor(req), withRetryCap(input), deviceScopeOf(req)));
  });
  // Sends nothing, so no step-up.
  serve(app, R.previewRollout, async (req) => {
    const { otp: _otp, ...input } = req.body;
    return rollouts.preview(withRetryCap(input), deviceScopeOf(req));
  });
  serve(app, R.rollouts, async (req) => ({ items: await rollouts.list(deviceScopeOf(req)) }));
  serve(app, R.rollout, async (req) => {
    await rollouts.checkVisible(deviceScopeOf(req), req.params.id);
    return rollouts.get(req.params.id);
  });
  // Starting, resuming and approving the next wave send firmware: they need the step-up
  // (`POST /api/v1/auth/mfa/verify` first, when MFA is enrolled). Canceling never does.
  const verbs = [
    ['start', R.startRollout],
    ['resume', R.resumeRollout],
    ['cancel', R.cancelRollout],
    ['approve', R.approveRollout],
  ] as const;
  for (const [verb, route] of verbs) {
    serve(app, route, async (req) => {
      await rollouts.checkVisible(deviceScopeOf(req), req.params.id);
      if (verb !== 'cancel') await stepUp(req.principal!, undefined);
      return rollouts[verb](actor(req), req.params.id);
    });
  }
  serve(app, R.pauseRollout, async (req) => {
    await rollouts.checkVisible(deviceScopeOf(req), req.params.id);
    return rollouts.pause(actor(req), req.params.id, req.body.reason);
  });
  serve(app, R.abortRollout, async (req) => {
    await rollouts.checkVisible(deviceScopeOf(req), req.params.id);
    return rollouts.abort(actor(req), req.params.id, req.body.reason ?? 'aborted by an operator');
  });
  serve(app, R.rolloutJobs, async (req) => {
    const q = req.query;
    const wave = q.wave === undefined ? undefined : q.wave - 1;
    const filter = { state: q.state, wave, deviceId: q.device, limit: q.limit, offset: q.offset };
    await rollouts.checkVisible(deviceScopeOf(req), req.params.id);
    return { items: await rollouts.jobs(req.params.id, filter) };
  });
  serve(app, R.rolloutJob, async (req) => {
    const job = await rollouts.job(req.params.id);
    await rollouts.checkVisible(deviceScopeOf(req), job.rolloutId).catch(() => {
      throw new NotFound('job', req.params.id);
    });
    return job;
  });
}
