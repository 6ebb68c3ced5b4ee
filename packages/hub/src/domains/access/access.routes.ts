import type { FastifyInstance } from 'fastify';
import { ACCESS_ROUTES as R, ACCESS_STATES, type AccessState } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import { ValidationError } from '../../platform/errors.js';
import type { AccessService } from './access.service.js';
import type { AccessPoliciesService } from './access-policies.service.js';

function states(q: { state?: string; live?: boolean }): AccessState[] | undefined {
  if (q.live) return ['requested', 'approved', 'active'];
  if (!q.state) return undefined;
  const list = q.state.split(',').map((s) => s.trim());
  for (const s of list) {
    if (!(ACCESS_STATES as readonly string[]).includes(s)) {
      throw new ValidationError(`state must be among ${ACCESS_STATES.join(', ')}`, { path: '/state' });
    }
  }
  return list as AccessState[];
}

export function registerAccessRoutes(app: FastifyInstance, access: AccessService, policies: AccessPoliciesService) {
  serve(app, R.policies, async () => ({ items: await policies.list() }));
  serve(app, R.createPolicy, async (req, reply) => {
    reply.status(201);
    return policies.create(actor(req), req.body);
  });
  serve(app, R.updatePolicy, (req) => policies.update(actor(req), req.params.id, req.body));
  serve(app, R.deletePolicy, async (req, reply) => {
    await policies.remove(actor(req), req.params.id);
    return reply.status(204).send();
  });

  serve(app, R.sessions, async (req) => {
    const q = req.query;
    const filter = { deviceId: q.deviceId, states: states(q), mine: q.mine, limit: q.limit, before: q.before };
    return { items: await access.list(req.principal!, filter) };
  });
  serve(app, R.request, async (req, reply) => {
    const r = await access.request(req.principal!, req.body);
    return reply.status(201).send(r);
  });
  serve(app, R.session, (req) => access.get(req.principal!, req.params.id));
  serve(app, R.approve, (req) => access.approve(req.principal!, req.params.id, req.body.note, req.body.otp));
  serve(app, R.deny, (req) => access.deny(req.principal!, req.params.id, req.body.note));
  serve(app, R.open, (req) => access.open(req.principal!, req.params.id, req.body.otp));
  serve(app, R.cancel, (req) => access.cancel(req.principal!, req.params.id));
  serve(app, R.terminate, (req) => access.terminate(req.principal!, req.params.id, req.body.reason));
  serve(app, R.recording, async (req, reply) => {
    const r = await access.recording(req.principal!, req.params.id);
    reply.header('x-outpost-sha256', r.sha256);
    reply.type(r.kind === 'asciicast' ? 'application/x-asciicast' : 'application/vnd.tcpdump.pcap');
    return reply.send(r.body);
  });
  serve(app, R.settings, () => access.settings());
  serve(app, R.putSettings, (req) => access.putSettings(req.principal!, req.body));
}
