import type { FastifyInstance } from 'fastify';
import { CELLULAR_ROUTES as R } from '@outpost/protocol';
import { serve } from '../../http/route-table.js';
import { NotFound } from '../../platform/errors.js';
import type { CellularService } from './cellular.service.js';

export function registerCellularRoutes(app: FastifyInstance, cellular: CellularService) {
  serve(app, R.device, (req) => cellular.deviceCellular(req.params.id));
  serve(app, R.setPlan, async (req) => {
    // The plan belongs to the SIM the device holds now; it follows the SIM, not the device.
    const { inventory } = await cellular.deviceCellular(req.params.id);
    if (!inventory.iccid) throw new NotFound('SIM of device', req.params.id);
    return cellular.setPlan(inventory.iccid, req.body);
  });
}
