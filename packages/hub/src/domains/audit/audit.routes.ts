import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AuditLog } from './audit.log.js';

const Query = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 64 })),
  actor: Type.Optional(Type.String({ maxLength: 128 })),
  target: Type.Optional(Type.String({ maxLength: 128 })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export function registerAuditRoutes(app: FastifyInstance, audit: AuditLog) {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/audit', { config: { role: 'viewer' }, schema: { tags: ['audit'], querystring: Query } }, async (req) => {
    const q = req.query;
    const limit = q.limit ?? 100;
    const items = await audit.list({ action: q.action, actor: q.actor, target: q.target, afterSeq: q.before, limit });
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last ? String(last.seq) : null };
  });
  app.get('/api/v1/audit/verify', { config: { role: 'viewer' }, schema: { tags: ['audit'] } }, async () => audit.verify());
}
