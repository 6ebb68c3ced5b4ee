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
} from '@outpost/protocol';
import { send, ApiError, type TransportOptions } from './transport.js';

type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>;
const enc = encodeURIComponent;
const q = (params: Record<string, string | number | boolean | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

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
  drift: { incidents: number; open: number; remediations: number; medianTimeToResolveS: number | null; maxTimeToResolveS: number | null };
  states: ComplianceRow[];
  incidents: DriftIncident[];
  remediations: Array<{ id: string; incidentId: string | null; deviceId: string; at: string; desiredVersion: number; keys: string[]; actor: string }>;
}

/** Configuration templates, device settings and compliance. */
export function configsApi(c: Call, o: TransportOptions) {
  return {
    templates: {
      list: () => c<{ items: Array<ConfigTemplate & { devices: number }> }>('GET', '/api/v1/config/templates'),
      get: (name: string) => c<ConfigTemplate & { devices: number }>('GET', `/api/v1/config/templates/${enc(name)}`),
      create: (t: TemplateInput) => c<ConfigTemplate>('POST', '/api/v1/config/templates', t),
      update: (name: string, t: TemplateInput) => c<{ template: ConfigTemplate; changed: boolean }>('PUT', `/api/v1/config/templates/${enc(name)}`, t),
      /** Reads the template, applies `patch`, and saves it as a new version; secrets round-trip as kept. */
      async modify(name: string, patch: Partial<Omit<TemplateInput, 'name'>>) {
        const cur = await c<ConfigTemplate>('GET', `/api/v1/config/templates/${enc(name)}`);
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
        return c<{ template: ConfigTemplate; changed: boolean }>('PUT', `/api/v1/config/templates/${enc(name)}`, input);
      },
      remove: (name: string) => c<void>('DELETE', `/api/v1/config/templates/${enc(name)}`),
      versions: (name: string) => c<{ items: TemplateVersion[] }>('GET', `/api/v1/config/templates/${enc(name)}/versions`),
      version: (name: string, version: number) => c<ConfigTemplate & { comment: string }>('GET', `/api/v1/config/templates/${enc(name)}/versions/${version}`),
      restore: (name: string, version: number, comment?: string) =>
        c<{ template: ConfigTemplate; changed: boolean }>('POST', `/api/v1/config/templates/${enc(name)}/restore`, { version, ...(comment ? { comment } : {}) }),
    },
    configModels: {
      list: () => c<{ items: Array<{ model: string; updatedBy: string; updatedAt: string }> }>('GET', '/api/v1/config/models'),
      getSchema: (model: string) => c<{ model: string; schema: unknown }>('GET', `/api/v1/config/models/${enc(model)}/schema`),
      setSchema: (model: string, schema: Record<string, unknown>) => c<{ model: string; schema: unknown }>('PUT', `/api/v1/config/models/${enc(model)}/schema`, { schema }),
      removeSchema: (model: string) => c<void>('DELETE', `/api/v1/config/models/${enc(model)}/schema`),
    },
    deviceConfig: {
      get: (id: string) => c<DeviceConfigView>('GET', `/api/v1/devices/${enc(id)}/config`),
      setOverrides: (id: string, settings: Record<string, SettingValue | SecretInput>) => c<DeviceConfigView>('PUT', `/api/v1/devices/${enc(id)}/config/overrides`, { settings }),
      removeOverride: (id: string, key: string) => c<void>('DELETE', `/api/v1/devices/${enc(id)}/config/overrides/${enc(key)}`),
      startMaintenance: (id: string, minutes: number, reason: string) => c<{ deviceId: string; maintenanceUntil: string }>('POST', `/api/v1/devices/${enc(id)}/config/maintenance`, { minutes, reason }),
      endMaintenance: (id: string) => c<{ deviceId: string; maintenanceUntil: null }>('DELETE', `/api/v1/devices/${enc(id)}/config/maintenance`),
      push: (id: string) => c<DeviceConfigView>('POST', `/api/v1/devices/${enc(id)}/config/push`),
    },
    compliance: {
      summary: () => c<ComplianceSummary>('GET', '/api/v1/compliance'),
      devices: (query: { state?: string; template?: string; filter?: string; limit?: number; cursor?: string } = {}) =>
        c<{ items: ComplianceRow[]; nextCursor: string | null }>('GET', `/api/v1/compliance/devices${q(query)}`),
      history: (query: { template?: string; hours?: number } = {}) =>
        c<{ template: string; items: Array<{ at: string; total: number; compliant: number; drifted: number; pending: number; error: number }> }>('GET', `/api/v1/compliance/history${q(query)}`),
      events: (query: { device?: string; type?: string; limit?: number } = {}) => c<{ items: ConfigEvent[] }>('GET', `/api/v1/compliance/events${q(query)}`),
      scan: () => c<{ devices: number; republished: number; durationMs: number }>('POST', '/api/v1/compliance/scan'),
      report: (query: ComplianceReportQuery = {}) => c<ComplianceReport>('GET', `/api/v1/compliance/report${q({ ...query, format: 'json' })}`),
      /** The report as CSV text (RFC 4180), for spreadsheets and auditors. */
      async reportCsv(query: ComplianceReportQuery = {}): Promise<string> {
        const res = await send(o, 'GET', `/api/v1/compliance/report${q({ ...query, format: 'csv' })}`);
        if (res.status !== 200) {
          const e = JSON.parse(res.body || '{}') as { code?: string; message?: string };
          throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `HTTP ${res.status}`);
        }
        return res.body;
      },
    },
  };
}
