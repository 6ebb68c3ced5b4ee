import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';

export const AuditQuery = Type.Object({
  action: Type.Optional(Type.String({ maxLength: 64 })),
  actor: Type.Optional(Type.String({ maxLength: 128 })),
  target: Type.Optional(Type.String({ maxLength: 128 })),
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

export const AuditCheckpointQuery = Type.Object({
  /** Checkpoints of records after this sequence number. */
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});

/** The hash-chained audit log and the signed checkpoints that anchor it. */
export const AUDIT_ROUTES = {
  list: defineRoute({
    id: 'audit.list',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/audit',
    role: 'viewer',
    tag: 'audit',
    query: AuditQuery,
  }),
  verify: defineRoute({
    id: 'audit.verify',
    scope: 'global',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/audit/verify',
    role: 'viewer',
    tag: 'audit',
  }),
  checkpoints: defineRoute({
    id: 'audit.checkpoints',
    scope: 'global',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/audit/checkpoints',
    role: 'viewer',
    tag: 'audit',
    query: AuditCheckpointQuery,
  }),
};
