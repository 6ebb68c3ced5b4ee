import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam, literals } from './common.schemas.js';

const TemplateName = Type.String({ minLength: 1, maxLength: 64 });
const ModelName = Type.String({ minLength: 1, maxLength: 128 });
const Comment = Type.String({ maxLength: 512 });
const SettingKey = Type.String({ maxLength: 520 });
export const TemplateNameParam = Type.Object({ name: TemplateName });
export const TemplateVersionParams = Type.Object({ name: TemplateName, version: Type.Integer({ minimum: 1 }) });
export const ConfigModelParam = Type.Object({ model: ModelName });
const TemplateTarget = Type.Union([
  Type.Object({ group: Type.String({ minLength: 1, maxLength: 600 }) }, { additionalProperties: false }),
  Type.Object({ filter: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
]);
const TemplateFile = Type.Object(
  {
    path: Type.String({ minLength: 2, maxLength: 256 }),
    mode: Type.Optional(Type.Integer({ minimum: 0, maximum: 0o7777 })),
    content: Type.Optional(Type.String({ maxLength: 90_000 })),
    sha256: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
  },
  { additionalProperties: false },
);
// Values are checked deeply by the hub's service, which names the path of a bad one.
export const TemplateBody = Type.Object(
  {
    name: TemplateName,
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    priority: Type.Integer({ minimum: 0, maximum: 10_000 }),
    policy: literals(['report', 'enforce']),
    target: TemplateTarget,
    model: Type.Optional(Type.Union([ModelName, Type.Null()])),
    settings: Type.Record(SettingKey, Type.Unknown(), { maxProperties: 1000 }),
    files: Type.Optional(Type.Array(TemplateFile, { maxItems: 16 })),
    comment: Type.Optional(Comment),
  },
  { additionalProperties: false },
);
export const RestoreTemplateBody = Type.Object(
  { version: Type.Integer({ minimum: 1 }), comment: Type.Optional(Comment) },
  { additionalProperties: false },
);
export const ModelSchemaBody = Type.Object(
  { schema: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: false },
);
export const DeviceSettingParams = Type.Object({ id: Type.String({ maxLength: 64 }), key: SettingKey });
export const OverridesBody = Type.Object(
  { settings: Type.Record(SettingKey, Type.Unknown(), { minProperties: 1, maxProperties: 500 }) },
  { additionalProperties: false },
);
export const MaintenanceBody = Type.Object(
  {
    minutes: Type.Number({ exclusiveMinimum: 0, maximum: 1440 }),
    reason: Type.String({ minLength: 1, maxLength: 512 }),
  },
  { additionalProperties: false },
);
const Hours = Type.Number({ exclusiveMinimum: 0, maximum: 8784 });
export const ComplianceRowsQuery = Type.Object({
  state: Type.Optional(Type.String({ maxLength: 16 })),
  template: Type.Optional(Type.String({ maxLength: 64 })),
  filter: Type.Optional(FilterText),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});
export const ComplianceHistoryQuery = Type.Object({
  template: Type.Optional(Type.String({ maxLength: 64 })),
  hours: Type.Optional(Hours),
});
export const ComplianceReportQuerySchema = Type.Object({
  format: Type.Optional(literals(['json', 'csv'])),
  view: Type.Optional(literals(['states', 'incidents', 'remediations'])),
  template: Type.Optional(Type.String({ maxLength: 64 })),
  filter: Type.Optional(FilterText),
  hours: Type.Optional(Hours),
});
export const ComplianceEventsQuery = Type.Object({
  device: Type.Optional(Type.String({ maxLength: 64 })),
  type: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

const tag = 'configs';
const read = { tag, role: 'viewer' } as const;
const write = { tag, role: 'operator' } as const;
const template = { params: TemplateNameParam } as const;
const model = { params: ConfigModelParam } as const;
const device = { params: IdParam } as const;
const compliance = { tag: 'compliance', role: 'viewer' } as const;

/** Configuration templates, model schemas, each device's settings, and fleet compliance. */
export const CONFIGS_ROUTES = {
  templates: defineRoute({
    ...read,
    id: 'configs.templates',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/config/templates',
  }),
  createTemplate: defineRoute({
    ...write,
    id: 'configs.createTemplate',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/config/templates',
    body: TemplateBody,
  }),
  template: defineRoute({
    ...read,
    ...template,
    id: 'configs.template',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/config/templates/:name',
  }),
  updateTemplate: defineRoute({
    ...write,
    ...template,
    id: 'configs.updateTemplate',
    scope: 'fleet',
    method: 'PUT',
    path: '/api/v1/config/templates/:name',
    body: TemplateBody,
  }),
  removeTemplate: defineRoute({
    ...write,
    ...template,
    id: 'configs.removeTemplate',
    scope: 'fleet',
    method: 'DELETE',
    path: '/api/v1/config/templates/:name',
  }),
  templateVersions: defineRoute({
    ...read,
    ...template,
    id: 'configs.templateVersions',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/config/templates/:name/versions',
  }),
  templateVersion: defineRoute({
    ...read,
    id: 'configs.templateVersion',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/config/templates/:name/versions/:version',
    params: TemplateVersionParams,
  }),
  restoreTemplate: defineRoute({
    ...write,
    ...template,
    id: 'configs.restoreTemplate',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/config/templates/:name/restore',
    body: RestoreTemplateBody,
  }),
  models: defineRoute({ ...read, id: 'configs.models', scope: 'global', method: 'GET', path: '/api/v1/config/models' }),
  modelSchema: defineRoute({
    ...read,
    ...model,
    id: 'configs.modelSchema',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/config/models/:model/schema',
  }),
  setModelSchema: defineRoute({
    tag,
    ...model,
    id: 'configs.setModelSchema',
    scope: 'global',
    method: 'PUT',
    path: '/api/v1/config/models/:model/schema',
    role: 'admin',
    body: ModelSchemaBody,
  }),
  removeModelSchema: defineRoute({
    tag,
    ...model,
    id: 'configs.removeModelSchema',
    scope: 'global',
    method: 'DELETE',
    path: '/api/v1/config/models/:model/schema',
    role: 'admin',
  }),
  deviceConfig: defineRoute({
    ...read,
    ...device,
    id: 'configs.deviceConfig',
    scope: 'device',
    method: 'GET',
    path: '/api/v1/devices/:id/config',
  }),
  setOverrides: defineRoute({
    ...write,
    ...device,
    id: 'configs.setOverrides',
    scope: 'device',
    method: 'PUT',
    path: '/api/v1/devices/:id/config/overrides',
    body: OverridesBody,
  }),
  removeOverride: defineRoute({
    ...write,
    id: 'configs.removeOverride',
    scope: 'device',
    method: 'DELETE',
    path: '/api/v1/devices/:id/config/overrides/:key',
    params: DeviceSettingParams,
  }),
  startMaintenance: defineRoute({
    ...write,
    ...device,
    id: 'configs.startMaintenance',
    scope: 'device',
    method: 'POST',
    path: '/api/v1/devices/:id/config/maintenance',
    body: MaintenanceBody,
  }),
  endMaintenance: defineRoute({
    ...write,
    ...device,
    id: 'configs.endMaintenance',
    scope: 'device',
    method: 'DELETE',
    path: '/api/v1/devices/:id/config/maintenance',
  }),
  push: defineRoute({
    ...write,
    ...device,
    id: 'configs.push',
    scope: 'device',
    method: 'POST',
    path: '/api/v1/devices/:id/config/push',
  }),
  // Held to the caller's group scope: counts, rows, events and reports are computed over the scope's
  // devices and the templates it may see; a scoped caller's history is the one kept for its scope
  // (from its first scan on), and its scan recomputes and records its devices only.
  complianceSummary: defineRoute({
    ...compliance,
    id: 'compliance.summary',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/compliance',
  }),
  complianceDevices: defineRoute({
    ...compliance,
    id: 'compliance.devices',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/compliance/devices',
    query: ComplianceRowsQuery,
  }),
  complianceHistory: defineRoute({
    ...compliance,
    id: 'compliance.history',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/compliance/history',
    query: ComplianceHistoryQuery,
  }),
  /** JSON, or CSV with `format=csv`. */
  complianceReport: defineRoute({
    ...compliance,
    id: 'compliance.report',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/compliance/report',
    query: ComplianceReportQuerySchema,
  }),
  complianceEvents: defineRoute({
    ...compliance,
    id: 'compliance.events',
    scope: 'fleet',
    alsoFor: ['auditor'],
    method: 'GET',
    path: '/api/v1/compliance/events',
    query: ComplianceEventsQuery,
  }),
  complianceScan: defineRoute({
    tag: 'compliance',
    id: 'compliance.scan',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/compliance/scan',
    role: 'operator',
  }),
};
