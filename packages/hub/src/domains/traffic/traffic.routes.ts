import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import { Type, type Static } from '@sinclair/typebox';
import type { DeviceSelector } from '../devices/index.js';
import type { TrafficService } from './traffic.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Hours = Type.Object({ hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 400 })), filter: Type.Optional(Type.String({ maxLength: 4096 })) });

export function registerTrafficRoutes(app: FastifyInstance, traffic: TrafficService, selector: DeviceSelector, clock: Clock) {
  const viewer = { role: 'viewer' as const };
  const tags = ['traffic'];
  app.get<{ Params: Static<typeof Id>; Querystring: Static<typeof Hours> }>('/api/v1/traffic/devices/:id', { config: viewer, schema: { tags, params: Id, querystring: Hours } }, (req) =>
    traffic.deviceTraffic(req.params.id, req.query.hours ?? 48),
  );
  app.get<{ Querystring: Static<typeof Hours> }>('/api/v1/traffic/summary', { config: viewer, schema: { tags, querystring: Hours } }, async (req) => {
    const to = clock.now();
    const from = new Date(to.getTime() - (req.query.hours ?? 24) * 3_600_000);
    const s = await traffic.summary(from.toISOString(), to.toISOString(), await selector.where(req.query.filter));
    const top = [...s.byDevice].sort((a, b) => b[1] - a[1]).slice(0, 20);
    return { from: from.toISOString(), to: to.toISOString(), totalBytes: [...s.byDevice.values()].reduce((a, b) => a + b, 0), byHour: s.byHour, top: top.map(([deviceId, bytes]) => ({ deviceId, bytes })) };
  });
}
