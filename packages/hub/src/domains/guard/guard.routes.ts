import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GUARD_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import { NotFound, Unauthenticated } from '../../platform/errors.js';
import { groupVisible, requireGroupInside } from '../../platform/scope-reach.js';
import type { GuardService } from './guard.service.js';
import type { FieldAssetsService } from './field-assets.service.js';

function principal(req: FastifyRequest) {
  if (!req.principal) throw new Unauthenticated();
  return req.principal;
}

export function registerGuardRoutes(app: FastifyInstance, guard: GuardService, fieldAssets: FieldAssetsService) {
  serve(app, R.deviceFieldDevices, async (req) => ({
    items: await fieldAssets.list({ deviceId: req.params.id, limit: 1000 }),
  }));
  serve(app, R.fieldDevices, async (req) => {
    const inScope = await deviceScopeOf(req).ids();
    const { limit, ...match } = req.query;
    return {
      items: await fieldAssets.list({ ...match, deviceIn: inScope ? [...inScope] : undefined, limit: limit ?? 500 }),
    };
  });

  serve(app, R.key, () => guard.publicKey());
  serve(app, R.rotateKey, (req) => guard.rotateKey(principal(req), req.body.reason, req.body.otp));
  serve(app, R.policies, async (req) => ({ items: await guard.policies(deviceScopeOf(req), req.query) }));

  serve(app, R.status, (req) => guard.status(req.params.id));
  serve(app, R.blockedPerHour, (req) => guard.blockedPerHour(req.params.id, req.query.hours ?? 24));
  serve(app, R.setDevicePolicy, (req) => guard.setPolicy(actor(req), 'device', req.params.id, req.body));
  serve(app, R.clearDevicePolicy, (req) => guard.setPolicy(actor(req), 'device', req.params.id, null));
  serve(app, R.devicePolicyHistory, async (req) => ({
    items: await guard.history('device', req.params.id, req.query.limit),
  }));

  // A group outside the caller's scope: not found to read, refused (naming the group) to change.
  serve(app, R.groupPolicy, async (req) => {
    if (!groupVisible(deviceScopeOf(req), req.params.path)) throw new NotFound('group', req.params.path);
    return { items: await guard.history('group', req.params.path, req.query.limit) };
  });
  serve(app, R.setGroupPolicy, (req) => {
    requireGroupInside(deviceScopeOf(req), req.params.path, 'the guard policy');
    return guard.setPolicy(actor(req), 'group', req.params.path, req.body);
  });
  serve(app, R.clearGroupPolicy, (req) => {
    requireGroupInside(deviceScopeOf(req), req.params.path, 'the guard policy');
    return guard.setPolicy(actor(req), 'group', req.params.path, null);
  });

  serve(app, R.grant, async (req, reply) => {
    const { otp, ...grant } = req.body;
    return reply.status(201).send(await guard.issueGrant(principal(req), req.params.id, grant, otp));
  });
  serve(app, R.grants, async (req) => {
    const inScope = await deviceScopeOf(req).ids();
    return { items: await guard.grants({ ...req.query, deviceIn: inScope ? [...inScope] : undefined }) };
  });
  serve(app, R.revokeGrant, (req) => guard.revokeGrant(actor(req), deviceScopeOf(req), req.params.id, req.body.reason));

  serve(app, R.events, async (req) => {
    const q = req.query;
    const inScope = await deviceScopeOf(req).ids();
    const filter = {
      deviceId: q.deviceId,
      deviceIn: inScope ? [...inScope] : undefined,
      type: q.type,
      sinceIso: q.since,
      untilIso: q.until,
      limit: q.limit ?? 100,
    };
    return { items: await guard.events(filter) };
  });
}
