import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { EnrollmentService } from './enrollment.service.js';

const Enroll = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 128 }),
    csrPem: Type.String({ minLength: 1, maxLength: 8192 }),
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
const NewToken = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 128 }),
    maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    expiresInHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 365 })),
    group: Type.Optional(Type.String({ maxLength: 512 })),
    tags: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' }), Type.String({ maxLength: 256 }), { maxProperties: 64 })),
  },
  { additionalProperties: false },
);
const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });

export function registerEnrollmentRoutes(app: FastifyInstance, enrollment: EnrollmentService) {
  // Public: the enrollment token in the body is the credential.
  app.post<{ Body: Static<typeof Enroll> }>('/api/v1/enroll', { config: { role: 'public' }, schema: { tags: ['enrollment'], body: Enroll } }, async (req, reply) => {
    reply.status(201);
    return enrollment.enroll(req.body, req.ip);
  });
  app.get('/api/v1/enrollment-tokens', { config: { role: 'operator' }, schema: { tags: ['enrollment'] } }, async () => ({ items: await enrollment.listTokens() }));
  app.post<{ Body: Static<typeof NewToken> }>(
    '/api/v1/enrollment-tokens',
    { config: { role: 'operator' }, schema: { tags: ['enrollment'], body: NewToken } },
    async (req, reply) => {
      reply.status(201);
      return enrollment.createToken(actor(req), req.body);
    },
  );
  app.delete<{ Params: Static<typeof IdParam> }>(
    '/api/v1/enrollment-tokens/:id',
    { config: { role: 'operator' }, schema: { tags: ['enrollment'], params: IdParam } },
    async (req, reply) => {
      await enrollment.revokeToken(actor(req), req.params.id);
      return reply.status(204).send();
    },
  );
}
