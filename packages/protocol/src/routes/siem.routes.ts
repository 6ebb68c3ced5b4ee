import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { IdParam, literals } from './common.schemas.js';

/** The streams a SIEM sink follows. */
export const SIEM_SOURCE_NAMES = ['audit', 'checkpoints', 'device-events', 'alerts'] as const;
export const SIEM_SINK_KINDS = ['syslog-tls', 'https-jsonl'] as const;

const sinkFields = {
  name: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._-]*$' }),
  /** Kind-specific settings (host, port, caPem… or url, caPem…), checked by the hub. */
  config: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 16 }),
  /** The HTTPS bearer token, or the private key of a syslog client certificate: sealed, never returned. */
  secret: Type.Optional(Type.String({ minLength: 1, maxLength: 16_384 })),
  enabled: Type.Optional(Type.Boolean()),
};

export const NewSiemSinkBody = Type.Object(
  { ...sinkFields, kind: literals(SIEM_SINK_KINDS), startAt: Type.Optional(literals(['beginning', 'now'])) },
  { additionalProperties: false },
);
export const PatchSiemSinkBody = Type.Object(
  { ...sinkFields, name: Type.Optional(sinkFields.name), config: Type.Optional(sinkFields.config) },
  { additionalProperties: false, minProperties: 1 },
);

// SIEM sinks send the audit trail and security events off the hub: admins only, and hub-wide
// (global) — a sink is never scoped to groups, as the audit log it exports is not.
// Hub-wide settings: a group-scoped admin may read them, not change them.
const admin = { tag: 'siem', role: 'admin', scope: 'global' } as const;
const byId = { params: IdParam } as const;

/** SIEM export: syslog over TLS and JSON lines over HTTPS sinks, their backlog and a test send. */
export const SIEM_ROUTES = {
  sinks: defineRoute({ ...admin, id: 'siem.sinks', method: 'GET', path: '/api/v1/siem/sinks' }),
  createSink: defineRoute({
    ...admin,
    id: 'siem.createSink',
    method: 'POST',
    path: '/api/v1/siem/sinks',
    body: NewSiemSinkBody,
  }),
  sink: defineRoute({ ...admin, ...byId, id: 'siem.sink', method: 'GET', path: '/api/v1/siem/sinks/:id' }),
  updateSink: defineRoute({
    ...admin,
    ...byId,
    id: 'siem.updateSink',
    method: 'PATCH',
    path: '/api/v1/siem/sinks/:id',
    body: PatchSiemSinkBody,
  }),
  deleteSink: defineRoute({
    ...admin,
    ...byId,
    id: 'siem.deleteSink',
    method: 'DELETE',
    path: '/api/v1/siem/sinks/:id',
  }),
  testSink: defineRoute({
    ...admin,
    ...byId,
    id: 'siem.testSink',
    method: 'POST',
    path: '/api/v1/siem/sinks/:id/test',
  }),
};
