import type { FastifyInstance } from 'fastify';
import { AUDIT_ROUTES as R } from '@outpost/protocol';
import { serve } from '../../http/route-table.js';
import type { AuditLog } from './audit.log.js';

export function registerAuditRoutes(app: FastifyInstance, audit: AuditLog) {
  serve(app, R.list, async (req) => {
    const q = req.query;
    const limit = q.limit ?? 100;
    const items = await audit.list({ action: q.action, actor: q.actor, target: q.target, afterSeq: q.before, limit });
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last ? String(last.seq) : null };
  });
  serve(app, R.verify, async () => audit.verify());
}
