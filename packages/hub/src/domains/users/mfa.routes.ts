import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { MfaService } from './mfa.service.js';

const Empty = Type.Object({}, { additionalProperties: false });
const Code = Type.Object({ code: Type.String({ minLength: 6, maxLength: 32 }) }, { additionalProperties: false });
const Policy = Type.Object(
  { admin: Type.Optional(Type.Boolean()), operator: Type.Optional(Type.Boolean()), viewer: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
);
const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });

/** Self-service second factor for every signed-in user, and the admin's per-role requirement. */
export function registerMfaRoutes(app: FastifyInstance, mfa: MfaService) {
  // Open during forced enrollment too (a role that requires MFA, none enrolled yet).
  const setup = { role: 'viewer' as const, mfaSetup: true };
  const tags = ['mfa'];
  app.get('/api/v1/auth/mfa', { config: setup, schema: { tags } }, (req) => mfa.status(req.principal!));
  app.post<{ Body: Static<typeof Empty> }>('/api/v1/auth/mfa/enroll', { config: setup, schema: { tags, body: Empty } }, (req) => mfa.startEnrollment(req.principal!));
  app.post<{ Body: Static<typeof Code> }>('/api/v1/auth/mfa/confirm', { config: setup, schema: { tags, body: Code } }, async (req) => {
    const r = await mfa.confirmEnrollment(req.principal!, req.body.code);
    return { recoveryCodes: r.recoveryCodes, verifiedAt: r.principal.mfaAt };
  });
  app.post<{ Body: Static<typeof Code> }>('/api/v1/auth/mfa/verify', { config: { role: 'viewer' }, schema: { tags, body: Code } }, async (req) => {
    const p = await mfa.stepUp(req.principal!, req.body.code);
    return { verifiedAt: p.mfaAt };
  });
  app.post<{ Body: Static<typeof Empty> }>('/api/v1/auth/mfa/recovery-codes', { config: { role: 'viewer' }, schema: { tags, body: Empty } }, async (req) => ({
    recoveryCodes: await mfa.regenerateRecoveryCodes(req.principal!),
  }));
  app.delete('/api/v1/auth/mfa', { config: { role: 'viewer' }, schema: { tags } }, async (req, reply) => {
    await mfa.disable(req.principal!);
    return reply.status(204).send();
  });
  app.delete<{ Params: Static<typeof IdParam> }>('/api/v1/users/:id/mfa', { config: { role: 'admin' }, schema: { tags, params: IdParam } }, async (req, reply) => {
    await mfa.reset(req.principal!, req.params.id);
    return reply.status(204).send();
  });
  app.get('/api/v1/mfa-policy', { config: { role: 'admin' }, schema: { tags } }, () => mfa.rolePolicy());
  app.put<{ Body: Static<typeof Policy> }>('/api/v1/mfa-policy', { config: { role: 'admin' }, schema: { tags, body: Policy } }, (req) =>
    mfa.setRolePolicy(req.principal!, req.body),
  );
}
