import type { FastifyInstance } from 'fastify';
import { COMMANDS_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { CommandsService } from './commands.service.js';

export function registerCommandRoutes(app: FastifyInstance, commands: CommandsService) {
  serve(app, R.send, async (req, reply) => {
    const {
      commands: [c],
    } = await commands.send(actor(req), deviceScopeOf(req), { deviceId: req.params.id }, req.body);
    if (!req.body.wait) return reply.status(202).send(c);
    // Wait for the device's answer, but never past the command's own deadline.
    return commands.waitFor(deviceScopeOf(req), c.id, Math.min((req.body.timeoutS ?? 30) * 1000, 60_000));
  });
  serve(app, R.ofDevice, async (req) => ({ items: await commands.ofDevice(req.params.id) }));
  serve(app, R.sendWhere, async (req, reply) => {
    const r = await commands.send(actor(req), deviceScopeOf(req), { filter: req.body.filter }, req.body);
    return reply.status(202).send({ batchId: r.batchId, devices: r.commands.length });
  });
  serve(app, R.get, (req) =>
    req.query.waitMs
      ? commands.waitFor(deviceScopeOf(req), req.params.id, req.query.waitMs)
      : commands.get(deviceScopeOf(req), req.params.id),
  );
  serve(app, R.batch, (req) => commands.batch(deviceScopeOf(req), req.params.id));
}
