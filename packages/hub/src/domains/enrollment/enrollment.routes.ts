import type { FastifyInstance } from 'fastify';
import { ENROLLMENT_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { groupVisible } from '../../platform/scope-reach.js';
import { serve } from '../../http/route-table.js';
import type { DeviceCertificateStatus } from '@outpost/protocol';
import type { EnrollmentService } from './enrollment.service.js';

export function registerEnrollmentRoutes(
  app: FastifyInstance,
  enrollment: EnrollmentService,
  certificateStatus: (deviceId: string) => Promise<DeviceCertificateStatus>,
) {
  serve(app, R.enroll, async (req, reply) => {
    reply.status(201);
    return enrollment.enroll(req.body, req.ip);
  });
  // A scoped reader sees the tokens that enroll into its groups only (their labels name devices).
  serve(app, R.listTokens, async (req) => {
    const scope = deviceScopeOf(req);
    const items = await enrollment.listTokens();
    return { items: scope.unrestricted ? items : items.filter((t) => !!t.group && groupVisible(scope, t.group)) };
  });
  serve(app, R.createToken, async (req, reply) => {
    reply.status(201);
    return enrollment.createToken(actor(req), req.body);
  });
  serve(app, R.revokeToken, async (req, reply) => {
    await enrollment.revokeToken(actor(req), req.params.id);
    return reply.status(204).send();
  });
  serve(app, R.deviceCertificateStatus, (req) => certificateStatus(req.params.id));
}
