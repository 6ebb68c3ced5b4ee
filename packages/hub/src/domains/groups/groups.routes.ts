import type { FastifyInstance } from 'fastify';
import { GROUPS_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { Principal } from '../users/index.js';
import type { GroupsService } from './groups.service.js';

/** The second-factor check a rename passes first, as other hub-wide admin changes do. */
export type GroupRenameStepUp = (p: Principal, otp: string | undefined) => Promise<void>;

export function registerGroupRoutes(app: FastifyInstance, groups: GroupsService, stepUp: GroupRenameStepUp) {
  serve(app, R.list, async (req) => ({ items: await groups.list(deviceScopeOf(req)) }));
  serve(app, R.get, (req) => groups.get(deviceScopeOf(req), req.params.path));
  serve(app, R.create, async (req, reply) => {
    reply.status(201);
    return groups.create(actor(req), deviceScopeOf(req), req.body);
  });
  serve(app, R.update, (req) => groups.update(actor(req), deviceScopeOf(req), req.params.path, req.body));
  serve(app, R.remove, async (req, reply) => {
    await groups.remove(actor(req), deviceScopeOf(req), req.params.path);
    return reply.status(204).send();
  });
  serve(app, R.rollup, (req) => groups.rollup(deviceScopeOf(req), req.params.path));
  serve(app, R.rename, async (req) => {
    await stepUp(req.principal!, req.body.otp);
    return groups.rename(actor(req), deviceScopeOf(req), req.params.path, req.body.to);
  });
  serve(app, R.addMembers, (req) =>
    groups.changeMembers(actor(req), deviceScopeOf(req), req.params.path, 'add', req.body),
  );
  serve(app, R.removeMembers, (req) =>
    groups.changeMembers(actor(req), deviceScopeOf(req), req.params.path, 'remove', req.body),
  );
}
