import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { actor } from '../../http/auth.hook.js';
import type { CommandsService } from './commands.service.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const CommandBody = {
  name: Type.String({ minLength: 1, maxLength: 64 }),
  args: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 32 })),
  timeoutS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
};
const One = Type.Object({ ...CommandBody, wait: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const Many = Type.Object({ ...CommandBody, filter: Type.String({ maxLength: 4096 }) }, { additionalProperties: false });
const Wait = Type.Object({ waitMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })) });

export function registerCommandRoutes(app: FastifyInstance, commands: CommandsService) {
  const operator = { role: 'operator' as const };
  app.post<{ Params: Static<typeof Id>; Body: Static<typeof One> }>(
    '/api/v1/devices/:id/commands',
    { config: operator, schema: { tags: ['commands'], params: Id, body: One } },
    async (req, reply) => {
      const { commands: [c] } = await commands.send(actor(req), { deviceId: req.params.id }, req.body);
      if (!req.body.wait) return reply.status(202).send(c);
      // Wait for the device's answer, but never past the command's own deadline.
      return commands.waitFor(c.id, Math.min((req.body.timeoutS ?? 30) * 1000, 60_000));
    },
  );
  app.get<{ Params: Static<typeof Id> }>('/api/v1/devices/:id/commands', { config: { role: 'viewer' }, schema: { tags: ['commands'], params: Id } }, async (req) => ({
    items: await commands.ofDevice(req.params.id),
  }));
  app.post<{ Body: Static<typeof Many> }>('/api/v1/commands', { config: operator, schema: { tags: ['commands'], body: Many } }, async (req, reply) => {
    const r = await commands.send(actor(req), { filter: req.body.filter }, req.body);
    return reply.status(202).send({ batchId: r.batchId, devices: r.commands.length });
  });
  app.get<{ Params: Static<typeof Id>; Querystring: Static<typeof Wait> }>(
    '/api/v1/commands/:id',
    { config: { role: 'viewer' }, schema: { tags: ['commands'], params: Id, querystring: Wait } },
    (req) => (req.query.waitMs ? commands.waitFor(req.params.id, req.query.waitMs) : commands.get(req.params.id)),
  );
  app.get<{ Params: Static<typeof Id> }>('/api/v1/command-batches/:id', { config: { role: 'viewer' }, schema: { tags: ['commands'], params: Id } }, (req) =>
    commands.batch(req.params.id),
  );
}
