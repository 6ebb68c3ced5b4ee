import type { FastifyInstance } from 'fastify';
import { CONFIGS_ROUTES as R } from '@outpost/protocol';
import { actor } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { DeviceConfigService } from './device-config.service.js';

type Overrides = Parameters<DeviceConfigService['setOverrides']>[2];

export function registerDeviceConfigRoutes(app: FastifyInstance, svc: DeviceConfigService) {
  serve(app, R.deviceConfig, (req) => svc.view(req.params.id));
  serve(app, R.setOverrides, (req) => svc.setOverrides(actor(req), req.params.id, req.body.settings as Overrides));
  serve(app, R.removeOverride, async (req, reply) => {
    await svc.removeOverride(actor(req), req.params.id, req.params.key);
    return reply.status(204).send();
  });
  serve(app, R.startMaintenance, (req) =>
    svc.startMaintenance(actor(req), req.params.id, req.body.minutes, req.body.reason),
  );
  serve(app, R.endMaintenance, (req) => svc.endMaintenance(actor(req), req.params.id));
  serve(app, R.push, (req) => svc.push(actor(req), req.params.id));
}
