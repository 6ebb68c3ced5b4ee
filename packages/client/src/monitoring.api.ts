import type {
  Alert,
  AlertHistoryEntry,
  AlertRule,
  AlertRuleInput,
  AlertScope,
  AlertSeverity,
  ChannelKind,
  DeviceHealth,
  DeviceTraffic,
  FleetHealth,
  HealthModel,
  HealthModelList,
  NotificationChannel,
  NotificationMessage,
  ReportRun,
  ReportSchedule,
  TrafficSummary,
} from '@outpost/protocol';
import { ApiError, send, type TransportOptions } from './transport.js';

type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const enc = encodeURIComponent;
const q = (params: Record<string, string | number | boolean | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

export interface AlertsQuery {
  state?: 'open' | 'firing' | 'acknowledged' | 'resolved';
  device?: string;
  rule?: string;
  severity?: AlertSeverity;
  limit?: number;
  cursor?: string;
}

export interface EvalStats {
  at: string;
  ms: number;
  rules: number;
  devices: number;
  evaluations: number;
  fired: number;
  resolved: number;
  open: number;
  perRuleMs: Record<string, number>;
}

export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  secret?: string;
  digest?: { waitS?: number; intervalS?: number };
  retry?: { baseMs?: number; capMs?: number; maxAttempts?: number };
  enabled?: boolean;
}

export interface ReportRequest {
  kind: 'fleet' | 'device';
  scope?: AlertScope;
  deviceId?: string;
  periodHours?: number;
  formats?: Array<'html' | 'csv' | 'json'>;
  channels?: string[];
}

export type ReportScheduleInput = ReportRequest & { name: string; cron: string; timezone?: string; enabled?: boolean };

/** Alerts and rules, notification channels, health models, traffic, reports. */
export function monitoringApi(c: Call, o: TransportOptions) {
  return {
    alerts: {
      list: (query: AlertsQuery = {}) => c<{ items: Alert[]; nextCursor: string | null }>('GET', `/api/v1/alerts${q({ ...query })}`),
      get: (id: string) => c<Alert & { history: AlertHistoryEntry[] }>('GET', `/api/v1/alerts/${enc(id)}`),
      ack: (id: string, note?: string) => c<Alert>('POST', `/api/v1/alerts/${enc(id)}/ack`, note ? { note } : {}),
      resolve: (id: string, note?: string) => c<Alert>('POST', `/api/v1/alerts/${enc(id)}/resolve`, note ? { note } : {}),
      summary: () => c<{ open: number; firing: number; acknowledged: number; bySeverity: Record<AlertSeverity, number>; lastEvaluation: EvalStats | null }>('GET', '/api/v1/alerts/summary'),
      evaluate: () => c<EvalStats>('POST', '/api/v1/alerts/evaluate'),
    },
    rules: {
      list: () => c<{ items: AlertRule[] }>('GET', '/api/v1/alert-rules'),
      types: () => c<{ items: Array<{ type: string; title: string; params: Record<string, string> }> }>('GET', '/api/v1/alert-rule-types'),
      get: (id: string) => c<AlertRule>('GET', `/api/v1/alert-rules/${enc(id)}`),
      create: (r: AlertRuleInput) => c<AlertRule>('POST', '/api/v1/alert-rules', r),
      update: (id: string, patch: Partial<AlertRuleInput>) => c<AlertRule>('PATCH', `/api/v1/alert-rules/${enc(id)}`, patch),
      remove: (id: string) => c<void>('DELETE', `/api/v1/alert-rules/${enc(id)}`),
    },
    channels: {
      list: () => c<{ items: NotificationChannel[] }>('GET', '/api/v1/notification-channels'),
      get: (id: string) => c<NotificationChannel>('GET', `/api/v1/notification-channels/${enc(id)}`),
      /** The webhook secret comes back once, when the hub made it. */
      create: (ch: ChannelInput) => c<{ channel: NotificationChannel; secret?: string }>('POST', '/api/v1/notification-channels', ch),
      update: (id: string, patch: Partial<Omit<ChannelInput, 'kind'>> & { rotateSecret?: boolean }) =>
        c<{ channel: NotificationChannel; secret?: string }>('PATCH', `/api/v1/notification-channels/${enc(id)}`, patch),
      remove: (id: string) => c<void>('DELETE', `/api/v1/notification-channels/${enc(id)}`),
      test: (id: string) => c<{ messageId: string }>('POST', `/api/v1/notification-channels/${enc(id)}/test`),
    },
    notifications: {
      list: (query: { channel?: string; state?: 'pending' | 'delivered' | 'dead'; limit?: number } = {}) => c<{ items: NotificationMessage[] }>('GET', `/api/v1/notifications${q(query)}`),
      deadLetters: () => c<{ items: NotificationMessage[] }>('GET', '/api/v1/notifications/dead-letters'),
      get: (id: string) => c<NotificationMessage & { body: unknown }>('GET', `/api/v1/notifications/${enc(id)}`),
      retry: (id: string) => c<NotificationMessage>('POST', `/api/v1/notifications/${enc(id)}/retry`),
    },
    mqttIntegrations: {
      list: () => c<{ items: Array<{ id: string; name: string; clientId: string; certSerial: string; notAfter: string; revokedAt: string | null }> }>('GET', '/api/v1/mqtt-integrations'),
      /** Certifies the integrator's own key (CSR with CN `integration.<name>`) for subscribing to the alert topic. */
      create: (name: string, csrPem: string, validityDays?: number) =>
        c<{ integration: { id: string; clientId: string }; certificatePem: string; caPem: string; mqttUrl: string; clientId: string; topic: string }>('POST', '/api/v1/mqtt-integrations', { name, csrPem, validityDays }),
      revoke: (id: string) => c<void>('DELETE', `/api/v1/mqtt-integrations/${enc(id)}`),
    },
    health: {
      fleet: (filter?: string) => c<FleetHealth>('GET', `/api/v1/health/fleet${q({ filter })}`),
      device: (id: string) => c<DeviceHealth>('GET', `/api/v1/health/devices/${enc(id)}`),
      models: () => c<HealthModelList>('GET', '/api/v1/health/models'),
      /** Rules are checked by the hub; a bad one is refused with the path of the bad value (`/rules/2/metric`). */
      setModel: (model: string, rules: unknown[]) => c<HealthModel>('PUT', `/api/v1/health/models/${enc(model)}`, { rules }),
      removeModel: (model: string) => c<void>('DELETE', `/api/v1/health/models/${enc(model)}`),
    },
    traffic: {
      device: (id: string, hours?: number) => c<DeviceTraffic>('GET', `/api/v1/traffic/devices/${enc(id)}${q({ hours })}`),
      summary: (query: { hours?: number; filter?: string } = {}) => c<TrafficSummary>('GET', `/api/v1/traffic/summary${q(query)}`),
    },
    reports: {
      run: (r: ReportRequest) => c<ReportRun>('POST', '/api/v1/reports/runs', r),
      runs: (query: { schedule?: string; limit?: number } = {}) => c<{ items: ReportRun[] }>('GET', `/api/v1/reports/runs${q(query)}`),
      getRun: (id: string) => c<ReportRun>('GET', `/api/v1/reports/runs/${enc(id)}`),
      /** The report itself (HTML, CSV or JSON text). */
      async content(id: string, format: 'html' | 'csv' | 'json'): Promise<string> {
        const res = await send(o, 'GET', `/api/v1/reports/runs/${enc(id)}/${format}`);
        if (res.status !== 200) throw new ApiError(res.status, `http_${res.status}`, `report content: HTTP ${res.status}`);
        return res.body;
      },
      schedules: () => c<{ items: ReportSchedule[] }>('GET', '/api/v1/reports/schedules'),
      schedule: (s: ReportScheduleInput) => c<ReportSchedule>('POST', '/api/v1/reports/schedules', s),
      updateSchedule: (id: string, patch: Partial<ReportScheduleInput>) => c<ReportSchedule>('PATCH', `/api/v1/reports/schedules/${enc(id)}`, patch),
      removeSchedule: (id: string) => c<void>('DELETE', `/api/v1/reports/schedules/${enc(id)}`),
    },
  };
}
