import type { FastifyInstance } from 'fastify';
import { DEVICES_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { DevicesService } from './devices.service.js';
import type { DeviceTimeline } from '@outpost/protocol';

export function registerDeviceRoutes(
  app: FastifyInstance,
  devices: DevicesService,
  timeline: (id: string, hours: number) => Promise<DeviceTimeline>,
) {
  serve(app, R.list, (req) => devices.list(deviceScopeOf(req), req.query));
  serve(app, R.get, (req) => devices.get(req.params.id));
  serve(app, R.update, (req) => devices.update(actor(req), req.params.id, req.body));
  serve(app, R.tag, (req) =>
    devices.tag(actor(req), deviceScopeOf(req), { deviceId: req.params.id }, req.body.set ?? {}, req.body.remove ?? []),
  );
  serve(app, R.tagWhere, (req) =>
    devices.tag(actor(req), deviceScopeOf(req), { filter: req.body.filter }, req.body.set ?? {}, req.body.remove ?? []),
  );
  serve(app, R.revoke, (req) => devices.revoke(actor(req), req.params.id, req.body.reason, false));
  serve(app, R.decommission, (req) => devices.revoke(actor(req), req.params.id, req.body.reason, true));
  serve(app, R.events, async (req) => ({
    items: await devices.events(req.params.id, req.query.limit ?? 100, req.query.before, req.query.type),
  }));
  serve(app, R.availability, (req) => devices.availability(req.params.id, req.query.hours ?? 24));
  serve(app, R.health, async (req) => ({ items: await devices.health(req.params.id, req.query.hours ?? 24) }));
  // Marks for charts: a week back at most, the longest range a device chart shows.
  serve(app, R.timeline, (req) => timeline(req.params.id, Math.min(req.query.hours ?? 24, 24 * 7)));
  serve(app, R.supportedCommands, (req) => devices.supportedCommands(req.params.id));
  serve(app, R.certificates, async (req) => ({ items: await devices.certificates(req.params.id) }));
}
