import type { FastifyInstance } from 'fastify';
import { CONFIGS_ROUTES as R } from '@outpost/protocol';
import { actor, deviceScopeOf } from '../../http/auth.hook.js';
import { serve } from '../../http/route-table.js';
import type { TemplatesService } from './templates.service.js';

export function registerTemplateRoutes(app: FastifyInstance, templates: TemplatesService) {
  serve(app, R.templates, (req) => templates.list(deviceScopeOf(req)));
  serve(app, R.createTemplate, async (req, reply) => {
    reply.status(201);
    return templates.create(actor(req), deviceScopeOf(req), req.body as Parameters<TemplatesService['create']>[2]);
  });
  serve(app, R.template, (req) => templates.get(deviceScopeOf(req), req.params.name));
  serve(app, R.updateTemplate, (req) =>
    templates.update(
      actor(req),
      deviceScopeOf(req),
      req.params.name,
      req.body as Parameters<TemplatesService['update']>[3],
    ),
  );
  serve(app, R.removeTemplate, async (req, reply) => {
    await templates.remove(actor(req), deviceScopeOf(req), req.params.name);
    return reply.status(204).send();
  });
  serve(app, R.templateVersions, (req) => templates.versions(deviceScopeOf(req), req.params.name));
  serve(app, R.templateVersion, (req) => templates.version(deviceScopeOf(req), req.params.name, req.params.version));
  serve(app, R.restoreTemplate, (req) =>
    templates.restore(actor(req), deviceScopeOf(req), req.params.name, req.body.version, req.body.comment),
  );
  serve(app, R.models, () => templates.models());
  serve(app, R.modelSchema, (req) => templates.modelSchema(req.params.model));
  serve(app, R.setModelSchema, (req) => templates.setModelSchema(actor(req), req.params.model, req.body.schema));
  serve(app, R.removeModelSchema, async (req, reply) => {
    await templates.removeModelSchema(actor(req), req.params.model);
    return reply.status(204).send();
  });
}
