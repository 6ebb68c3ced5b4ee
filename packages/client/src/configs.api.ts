import type {
  ComplianceRow,
  ComplianceSummary,
  ConfigEvent,
  ConfigTemplate,
  DeviceConfigView,
  DriftIncident,
  SecretInput,
  SettingValue,
  TemplateInput,
  TemplateVersion,
  TemplateWithDevices,
} from '@outpost/protocol';
import { CONFIGS_ROUTES as CONFIGS, routeUrl } from '@outpost/protocol';
import { send, ApiError, type TransportOptions } from './transport.js';
import type { RouteCaller } from './call-route.js';

export interface ComplianceReportQuery {
  template?: string;
  filter?: string;
  hours?: number;
  view?: 'states' | 'incidents' | 'remediations';
}

export interface ComplianceReport {
  generatedAt: string;
  period: { from: string; to: string };
  summary: ComplianceSummary;
  drift: {
    incidents: number;
    open: number;
    remediations: number;
    medianTimeToResolveS: number | null;
    maxTimeToResolveS: number | null;
  };
  states: ComplianceRow[];
  incidents: DriftIncident[];
  remediations: Array<{
    id: string;
    incidentId: string | null;
    deviceId: string;
    at: string;
    desiredVersion: number;
    keys: string[];
    actor: string;
  }>;
}

interface TemplateSaved {
  template: ConfigTemplate;
  changed: boolean;
}
interface ComplianceHistoryPoint {
  at: string;
  total: number;
  compliant: number;
  drifted: number;
  pending: number;
  error: number;
}

/** Configuration templates, device settings and compliance. */
export function configsApi(r: RouteCaller, o: TransportOptions) {
  return {
    templates: {
      list: () => r<{ items: TemplateWithDevices[] }>(CONFIGS.templates),
      get: (name: string) => r<TemplateWithDevices>(CONFIGS.template, { params: { name } }),
      create: (t: TemplateInput) => r<ConfigTemplate>(CONFIGS.createTemplate, { body: t }),
      update: (name: string, t: TemplateInput) =>
        r<TemplateSaved>(CONFIGS.updateTemplate, { params: { name }, body: t }),
      /** Reads the template, applies `patch`, and saves it as a new version; secrets round-trip as kept. */
      async modify(name: string, patch: Partial<Omit<TemplateInput, 'name'>>) {
        const cur = await r<ConfigTemplate>(CONFIGS.template, { params: { name } });
        const input: TemplateInput = {
          name,
          description: cur.description,
          priority: cur.priority,
          policy: cur.policy,
          target: cur.target,
          model: cur.model,
          settings: cur.settings as TemplateInput['settings'],
          files: cur.files.map((f) => ({ path: f.path, mode: f.mode, sha256: f.sha256 })),
          ...patch,
        };
        return r<TemplateSaved>(CONFIGS.updateTemplate, { params: { name }, body: input });
      },
      remove: (name: string) => r<void>(CONFIGS.removeTemplate, { params: { name } }),
      versions: (name: string) => r<{ items: TemplateVersion[] }>(CONFIGS.templateVersions, { params: { name } }),
      version: (name: string, version: number) =>
        r<ConfigTemplate & { comment: string }>(CONFIGS.templateVersion, { params: { name, version } }),
      restore: (name: string, version: number, comment?: string) =>
        r<TemplateSaved>(CONFIGS.restoreTemplate, {
          params: { name },
          body: { version, ...(comment ? { comment } : {}) },
        }),
    },
    configModels: {
      list: () => r<{ items: Array<{ model: string; updatedBy: string; updatedAt: string }> }>(CONFIGS.models),
      getSchema: (model: string) => r<{ model: string; schema: unknown }>(CONFIGS.modelSchema, { params: { model } }),
      setSchema: (model: string, schema: Record<string, unknown>) =>
        r<{ model: string; schema: unknown }>(CONFIGS.setModelSchema, { params: { model }, body: { schema } }),
      removeSchema: (model: string) => r<void>(CONFIGS.removeModelSchema, { params: { model } }),
    },
    deviceConfig: {
      get: (id: string) => r<DeviceConfigView>(CONFIGS.deviceConfig, { params: { id } }),
      setOverrides: (id: string, settings: Record<string, SettingValue | SecretInput>) =>
        r<DeviceConfigView>(CONFIGS.setOverrides, { params: { id }, body: { settings } }),
      removeOverride: (id: string, key: string) => r<void>(CONFIGS.removeOverride, { params: { id, key } }),
      startMaintenance: (id: string, minutes: number, reason: string) =>
        r<{ deviceId: string; maintenanceUntil: string }>(CONFIGS.startMaintenance, {
          params: { id },
          body: { minutes, reason },
        }),
      endMaintenance: (id: string) =>
        r<{ deviceId: string; maintenanceUntil: null }>(CONFIGS.endMaintenance, { params: { id } }),
      push: (id: string) => r<DeviceConfigView>(CONFIGS.push, { params: { id } }),
    },
    compliance: {
      summary: () => r<ComplianceSummary>(CONFIGS.complianceSummary),
      devices: (query: { state?: string; template?: string; filter?: string; limit?: number; cursor?: string } = {}) =>
        r<{ items: ComplianceRow[]; nextCursor: string | null }>(CONFIGS.complianceDevices, { query }),
      history: (query: { template?: string; hours?: number } = {}) =>
        r<{ template: string; items: ComplianceHistoryPoint[] }>(CONFIGS.complianceHistory, { query }),
      events: (query: { device?: string; type?: string; limit?: number } = {}) =>
        r<{ items: ConfigEvent[] }>(CONFIGS.complianceEvents, { query }),
      scan: () => r<{ devices: number; republished: number; durationMs: number }>(CONFIGS.complianceScan),
      report: (query: ComplianceReportQuery = {}) =>
        r<ComplianceReport>(CONFIGS.complianceReport, { query: { ...query, format: 'json' } }),
      /** The report as CSV text (RFC 4180), for spreadsheets and auditors. */
      async reportCsv(query: ComplianceReportQuery = {}): Promise<string> {
        const route = CONFIGS.complianceReport;
        const res = await send(o, route.method, routeUrl(route, {}, { ...query, format: 'csv' }));
        if (res.status !== 200) {
          const e = JSON.parse(res.body || '{}') as { code?: string; message?: string };
          throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `HTTP ${res.status}`);
        }
        return res.body;
      },
    },
  };
}
