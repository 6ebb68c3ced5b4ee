import type { FastifyInstance } from 'fastify';
import { AUTOMATIONS_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { Principal } from '../users/index.js';
import { isDangerousStep } from './automation-spec.js';
import { needsStepUp, type AutomationsService } from './automations.service.js';
import type { SchedulesService } from './schedules.service.js';

/** Asks the caller for a fresh second factor when it has one (users' dangerousActionStepUp). */
export type StepUp = (p: Principal, otp: string | undefined) => Promise<void>;

// Thin: validate (the route table did), check the step-up where steps reboot or change
// configuration, call the service.
export function registerAutomationRoutes(
  app: FastifyInstance,
  automations: AutomationsService,
  schedules: SchedulesService,
  stepUp: StepUp,
) {
  serve(app, R.list, async (req) => ({ items: await automations.list(deviceScopeOf(req)) }));
  serve(app, R.get, (req) => automations.get(deviceScopeOf(req), req.params.name, req.query.version));
  serve(app, R.create, async (req, reply) => {
    const { otp, ...input } = req.body;
    if (needsStepUp(input)) await stepUp(req.principal!, otp);
    return reply.status(201).send(await automations.create(actor(req), deviceScopeOf(req), input));
  });
  serve(app, R.change, async (req) => {
    const { otp, ...input } = req.body;
    if (needsStepUp(input)) await stepUp(req.principal!, otp);
    return automations.change(actor(req), deviceScopeOf(req), req.params.name, input);
  });
  serve(app, R.disable, (req) => automations.setEnabled(actor(req), deviceScopeOf(req), req.params.name, false));
  serve(app, R.enable, async (req) => {
    const a = await automations.get(deviceScopeOf(req), req.params.name);
    if (a.steps.some(isDangerousStep)) await stepUp(req.principal!, undefined);
    return automations.setEnabled(actor(req), deviceScopeOf(req), req.params.name, true);
  });
  serve(app, R.run, async (req, reply) => {
    const r = await automations.run(actor(req), deviceScopeOf(req), req.params.name, req.body);
    return reply.status(r.dryRun ? 200 : 201).send(r);
  });
  serve(app, R.runs, async (req) => ({
    items: await automations.runs(deviceScopeOf(req), req.params.name, req.query.limit ?? 50),
  }));
  serve(app, R.runShow, (req) => automations.runShow(deviceScopeOf(req), req.params.id));
  serve(app, R.runDevices, async (req) => ({
    items: await automations.runDevices(deviceScopeOf(req), req.params.id, {
      state: req.query.state,
      limit: req.query.limit ?? 1000,
    }),
  }));
  serve(app, R.approveRun, (req) => automations.approve(actor(req), deviceScopeOf(req), req.params.id));
  serve(app, R.cancelRun, (req) => automations.cancel(actor(req), deviceScopeOf(req), req.params.id));

  serve(app, R.schedules, async (req) => ({ items: await schedules.list(deviceScopeOf(req)) }));
  serve(app, R.createSchedule, async (req, reply) => {
    const { otp, ...input } = req.body;
    const a = input.action;
    if (a.type !== 'command' || a.name === 'reboot') await stepUp(req.principal!, otp);
    return reply.status(201).send(await schedules.create(actor(req), deviceScopeOf(req), { ...input }));
  });
  serve(app, R.deleteSchedule, async (req, reply) => {
    await schedules.remove(actor(req), deviceScopeOf(req), req.params.id);
    return reply.status(204).send();
  });
  serve(app, R.upcoming, async (req) => ({
    items: await schedules.upcoming(deviceScopeOf(req), req.query.limit ?? 50),
  }));
}
