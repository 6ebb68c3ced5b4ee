import type { FastifyInstance } from 'fastify';
import { USERS_ROUTES as R } from '@outpost/protocol';
import { serve } from '../../http/route-table.js';
import type { MfaService } from './mfa.service.js';

/** Self-service second factor for every signed-in user, and the admin's per-role requirement. */
export function registerMfaRoutes(app: FastifyInstance, mfa: MfaService) {
  serve(app, R.mfaStatus, (req) => mfa.status(req.principal!));
  serve(app, R.mfaEnroll, (req) => mfa.startEnrollment(req.principal!));
  serve(app, R.mfaConfirm, async (req) => {
    const r = await mfa.confirmEnrollment(req.principal!, req.body.code);
    return { recoveryCodes: r.recoveryCodes, verifiedAt: r.principal.mfaAt };
  });
  serve(app, R.mfaVerify, async (req) => {
    const p = await mfa.stepUp(req.principal!, req.body.code);
    return { verifiedAt: p.mfaAt };
  });
  serve(app, R.mfaRecoveryCodes, async (req) => ({ recoveryCodes: await mfa.regenerateRecoveryCodes(req.principal!) }));
  serve(app, R.mfaDisable, async (req, reply) => {
    await mfa.disable(req.principal!);
    return reply.status(204).send();
  });
  serve(app, R.mfaReset, async (req, reply) => {
    await mfa.reset(req.principal!, req.params.id);
    return reply.status(204).send();
  });
  serve(app, R.mfaPolicy, () => mfa.rolePolicy());
  serve(app, R.setMfaPolicy, (req) => mfa.setRolePolicy(req.principal!, req.body));
}
