import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { DeviceConfigService } from './device-config.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const IdKey = Type.Object({ id: Type.String({ maxLength: 64 }), key: Type.String({ maxLength: 520 }) });
const Overrides = Type.Object({ settings: Type.Record(Type.String({ maxLength: 520 }), Type.Unknown(), { minProperties: 1, maxProperties: 500 }) }, { additionalProperties: false });
const Maintenance = Type.Object(
  { minutes: Type.Number({ exclusiveMinimum: 0, maximum: 1440 }), reason: Type.String({ minLength: 1, maxLength: 512 }) },
  { additionalProperties: false },
);

export function registerDeviceConfigRoutes(app: FastifyInstance, svc: DeviceConfigService) {
  const operator = { role: 'operator' as const };
  const tags = ['configs'];
  app.get<{ Params: Static<typeof Id> }>('/api/v1/devices/:id/config', { config: { role: 'viewer' }, schema: { tags, params: Id } }, (req) => svc.view(req.params.id));
  app.put<{ Params: Static<typeof Id>; Body: Static<typeof Overrides> }>(
    '/api/v1/devices/:id/config/overrides',
    { config: operator, schema: { tags, params: Id, body: Overrides } },
    (req) => svc.setOverrides(actor(req), req.params.id, req.body.settings as Parameters<DeviceConfigService['setOverrides']>[2]),
  );
  app.delete<{ Params: Static<typeof IdKey> }>('/api/v1/devices/:id/config/overrides/:key', { config: operator, schema: { tags, params: IdKey } }, async (req, reply) => {
    await svc.removeOverride(actor(req), req.params.id, req.params.key);
    return reply.status(204).send();
  });
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof Maintenance> }>(
    '/api/v1/devices/:id/config/maintenance',
    { config: operator, schema: { tags, params: Id, body: Maintenance } },
    (req) => svc.startMaintenance(actor(req), req.params.id, req.body.minutes, req.body.reason),
  );
  app.delete<{ Params: Static<typeof Id> }>('/api/v1/devices/:id/config/maintenance', { config: operator, schema: { tags, params: Id } }, (req) =>
    svc.endMaintenance(actor(req), req.params.id),
  );
  app.post<{ Params: Static<typeof Id> }>('/api/v1/devices/:id/config/push', { config: operator, schema: { tags, params: Id } }, (req) => svc.push(actor(req), req.params.id));
}
