import type { FastifyInstance } from 'fastify';
import { TRAFFIC_ROUTES as R } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { serve } from '../../http/route-table.js';
import type { DeviceSelector } from '../devices/index.js';
import type { TrafficService } from './traffic.service.js';

export function registerTrafficRoutes(
  app: FastifyInstance,
  traffic: TrafficService,
  selector: DeviceSelector,
  clock: Clock,
) {
  serve(app, R.device, (req) => traffic.deviceTraffic(req.params.id, req.query.hours ?? 48));
  serve(app, R.summary, async (req) => {
    const to = clock.now();
    const from = new Date(to.getTime() - (req.query.hours ?? 24) * 3_600_000);
    const s = await traffic.summary(from.toISOString(), to.toISOString(), await selector.where(req.query.filter));
    const top = [...s.byDevice].sort((a, b) => b[1] - a[1]).slice(0, 20);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      totalBytes: [...s.byDevice.values()].reduce((a, b) => a + b, 0),
      byHour: s.byHour,
      top: top.map(([deviceId, bytes]) => ({ deviceId, bytes })),
    };
  });
}
