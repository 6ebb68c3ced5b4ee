import type { FastifyInstance } from 'fastify';
import { AUDIT_ROUTES as R } from '@outpost/protocol';
import { serve } from '../../http/route-table.js';
import { deviceScopeOf } from '../../http/auth.hook.js';
import type { AuditLog } from './audit.log.js';
import type { AuditCheckpoints } from './audit-checkpoints.js';

export function registerAuditRoutes(app: FastifyInstance, audit: AuditLog, checkpoints: AuditCheckpoints) {
  serve(app, R.list, async (req) => {
    const q = req.query;
    const limit = q.limit ?? 100;
    // A scoped reader sees records about its devices and its own actions, nothing else.
    const inScope = await deviceScopeOf(req).ids();
    const within = inScope ? { deviceIds: [...inScope], username: req.principal!.username } : undefined;
    const items = await audit.list({
      action: q.action,
      actor: q.actor,
      target: q.target,
      afterSeq: q.before,
      limit,
      within,
    });
    const last = items[items.length - 1];
    return { items, nextCursor: items.length === limit && last ? String(last.seq) : null };
  });
  serve(app, R.verify, async () => audit.verify());
  // What an outside witness keeps: the signed heads, page by page, and the key that signed them.
  serve(app, R.checkpoints, async (req) => {
    const limit = req.query.limit ?? 1000;
    const items = await checkpoints.range((req.query.after ?? 0) + 1, Number.MAX_SAFE_INTEGER, limit);
    const last = items[items.length - 1];
    return {
      publicKeyPem: await checkpoints.publicKeyPem(),
      checkpoints: items,
      nextCursor: items.length === limit && last ? String(last.seq) : null,
    };
  });
}
