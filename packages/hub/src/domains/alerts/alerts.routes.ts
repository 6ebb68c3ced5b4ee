import type { FastifyInstance } from 'fastify';
import { ALERTS_ROUTES as R, type AlertSeverity } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { AlertsService } from './alerts.service.js';

export function registerAlertRoutes(app: FastifyInstance, alerts: AlertsService) {
  serve(app, R.list, (req) => {
    const q = req.query;
    const severity = q.severity as AlertSeverity | undefined;
    return alerts.list(deviceScopeOf(req), {
      state: q.state,
      deviceId: q.device,
      ruleId: q.rule,
      severity,
      limit: q.limit,
      cursor: q.cursor,
    });
  });
  // The engine's last run names every rule and counts the whole fleet: not for a scoped reader.
  serve(app, R.summary, async (req) => {
    const scope = deviceScopeOf(req);
    const summary = await alerts.summary(scope.where);
    return scope.unrestricted ? summary : { ...summary, lastEvaluation: null };
  });
  serve(app, R.timeline, (req) => alerts.timeline(deviceScopeOf(req).where, req.query.hours ?? 24));
  serve(app, R.acknowledgeMany, (req) =>
    alerts.acknowledgeMany(actor(req), deviceScopeOf(req), req.body.ids, req.body.note ?? null),
  );
  serve(app, R.resolveMany, (req) =>
    alerts.resolveMany(actor(req), deviceScopeOf(req), req.body.ids, req.body.note ?? null),
  );
  serve(app, R.evaluate, () => alerts.evaluate());
  serve(app, R.get, (req) => alerts.get(deviceScopeOf(req), req.params.id));
  serve(app, R.acknowledge, (req) =>
    alerts.acknowledge(actor(req), deviceScopeOf(req), req.params.id, req.body.note ?? null),
  );
  serve(app, R.resolve, (req) => alerts.resolve(actor(req), deviceScopeOf(req), req.params.id, req.body.note ?? null));
  serve(app, R.ruleTypes, async () => ({ items: alerts.ruleTypes() }));
  serve(app, R.rules, async (req) => ({ items: await alerts.listRules(deviceScopeOf(req)) }));
  serve(app, R.createRule, async (req, reply) => {
    reply.status(201);
    return alerts.createRule(actor(req), deviceScopeOf(req), req.body as Parameters<AlertsService['createRule']>[2]);
  });
  serve(app, R.rule, (req) => alerts.getRule(deviceScopeOf(req), req.params.id));
  serve(app, R.updateRule, (req) =>
    alerts.updateRule(
      actor(req),
      deviceScopeOf(req),
      req.params.id,
      req.body as Parameters<AlertsService['updateRule']>[3],
    ),
  );
  serve(app, R.deleteRule, async (req, reply) => {
    await alerts.deleteRule(actor(req), deviceScopeOf(req), req.params.id);
    return reply.status(204).send();
  });
}
