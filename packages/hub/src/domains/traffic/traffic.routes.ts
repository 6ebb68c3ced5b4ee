import type { FastifyInstance } from 'fastify';
import { TRAFFIC_ROUTES as R } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { serve } from '../../http/route-table.js';
import { deviceScopeOf } from '../../http/auth.hook.js';
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
    // The filter is intersected with the caller's scope: totals, hours and the top list are the scope's.
    const where = deviceScopeOf(req).narrow(await selector.where(req.query.filter));
    const s = await traffic.summary(from.toISOString(), to.toISOString(), where);
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
