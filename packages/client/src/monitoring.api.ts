import {
  ALERTS_ROUTES as ALERTS,
  HEALTH_ROUTES as HEALTH,
  NOTIFICATIONS_ROUTES as N,
  REPORTS_ROUTES as REPORTS,
  TRAFFIC_ROUTES as TRAFFIC,
  routeUrl,
} from '@outpost/protocol';
import type {
  Alert,
  AlertEvalStats as EvalStats,
  AlertRuleTypeInfo as RuleType,
  AlertsSummary,
  AlertBulkResult,
  AlertHistoryEntry,
  AlertRule,
  AlertRuleInput,
  AlertScope,
  AlertSeverity,
  AlertTimelineBucket,
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
export type { AlertsSummary, EvalStats };

import { ApiError, send, type TransportOptions } from './transport.js';
import type { RouteCaller } from './call-route.js';

export interface AlertsQuery {
  state?: 'open' | 'firing' | 'acknowledged' | 'resolved';
  device?: string;
  rule?: string;
  severity?: AlertSeverity;
  limit?: number;
  cursor?: string;
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

export interface MqttIntegration {
  id: string;
  name: string;
  clientId: string;
  certSerial: string;
  notAfter: string;
  revokedAt: string | null;
}

export interface MqttIntegrationCreated {
  integration: { id: string; clientId: string };
  certificatePem: string;
  caPem: string;
  mqttUrl: string;
  clientId: string;
  topic: string;
}

interface ChannelSaved {
  channel: NotificationChannel;
  secret?: string;
}
/** Alerts and rules, notification channels, health models, traffic, reports. */
export function monitoringApi(r: RouteCaller, o: TransportOptions) {
  const withNote = (id: string, note?: string) => ({ params: { id }, body: note ? { note } : {} });
  return {
    alerts: {
      list: (query: AlertsQuery = {}) =>
        r<{ items: Alert[]; nextCursor: string | null }>(ALERTS.list, { query: { ...query } }),
      get: (id: string) => r<Alert & { history: AlertHistoryEntry[] }>(ALERTS.get, { params: { id } }),
      ack: (id: string, note?: string) => r<Alert>(ALERTS.acknowledge, withNote(id, note)),
      resolve: (id: string, note?: string) => r<Alert>(ALERTS.resolve, withNote(id, note)),
      /** Acknowledges each alert of a selection; those that cannot be come back with their reason. */
      ackMany: (ids: string[], note?: string) =>
        r<AlertBulkResult>(ALERTS.acknowledgeMany, { body: note ? { ids, note } : { ids } }),
      resolveMany: (ids: string[], note?: string) =>
        r<AlertBulkResult>(ALERTS.resolveMany, { body: note ? { ids, note } : { ids } }),
      /** Alerts fired per hour over the last `hours` (default 24), by severity. */
      timeline: (hours = 24) => r<{ items: AlertTimelineBucket[] }>(ALERTS.timeline, { query: { hours } }),
      summary: () => r<AlertsSummary>(ALERTS.summary),
      evaluate: () => r<EvalStats>(ALERTS.evaluate),
    },
    rules: {
      list: () => r<{ items: AlertRule[] }>(ALERTS.rules),
      types: () => r<{ items: RuleType[] }>(ALERTS.ruleTypes),
      get: (id: string) => r<AlertRule>(ALERTS.rule, { params: { id } }),
      create: (rule: AlertRuleInput) => r<AlertRule>(ALERTS.createRule, { body: rule }),
      update: (id: string, patch: Partial<AlertRuleInput>) =>
        r<AlertRule>(ALERTS.updateRule, { params: { id }, body: patch }),
      remove: (id: string) => r<void>(ALERTS.deleteRule, { params: { id } }),
    },
    channels: {
      list: () => r<{ items: NotificationChannel[] }>(N.channels),
      get: (id: string) => r<NotificationChannel>(N.channel, { params: { id } }),
      /** The webhook secret comes back once, when the hub made it. */
      create: (ch: ChannelInput) => r<ChannelSaved>(N.createChannel, { body: ch }),
      update: (id: string, patch: Partial<Omit<ChannelInput, 'kind'>> & { rotateSecret?: boolean }) =>
        r<ChannelSaved>(N.updateChannel, { params: { id }, body: patch }),
      remove: (id: string) => r<void>(N.deleteChannel, { params: { id } }),
      test: (id: string) => r<{ messageId: string }>(N.testChannel, { params: { id } }),
    },
    notifications: {
      list: (query: { channel?: string; state?: 'pending' | 'delivered' | 'dead'; limit?: number } = {}) =>
        r<{ items: NotificationMessage[] }>(N.messages, { query }),
      deadLetters: () => r<{ items: NotificationMessage[] }>(N.deadLetters),
      get: (id: string) => r<NotificationMessage & { body: unknown }>(N.message, { params: { id } }),
      retry: (id: string) => r<NotificationMessage>(N.retry, { params: { id } }),
    },
    mqttIntegrations: {
      list: () => r<{ items: MqttIntegration[] }>(N.mqttIntegrations),
      /** Certifies the integrator's own key (CSR with CN `integration.<name>`) for subscribing to the alert topic. */
      create: (name: string, csrPem: string, validityDays?: number) =>
        r<MqttIntegrationCreated>(N.createMqttIntegration, { body: { name, csrPem, validityDays } }),
      revoke: (id: string) => r<void>(N.revokeMqttIntegration, { params: { id } }),
    },
    health: {
      fleet: (filter?: string) => r<FleetHealth>(HEALTH.fleet, { query: { filter } }),
      device: (id: string) => r<DeviceHealth>(HEALTH.device, { params: { id } }),
      /** The health of up to 200 devices (a page of a list); devices outside the caller's scope are left out. */
      devices: (ids: string[]) => r<{ items: DeviceHealth[] }>(HEALTH.devices, { query: { ids: ids.join(',') } }),
      models: () => r<HealthModelList>(HEALTH.models),
      /** Rules are checked by the hub; a bad one is refused with the path of the bad value (`/rules/2/metric`). */
      setModel: (model: string, rules: unknown[]) =>
        r<HealthModel>(HEALTH.setModel, { params: { model }, body: { rules } }),
      removeModel: (model: string) => r<void>(HEALTH.deleteModel, { params: { model } }),
    },
    traffic: {
      device: (id: string, hours?: number) => r<DeviceTraffic>(TRAFFIC.device, { params: { id }, query: { hours } }),
      summary: (query: { hours?: number; filter?: string } = {}) => r<TrafficSummary>(TRAFFIC.summary, { query }),
    },
    reports: {
      run: (req: ReportRequest) => r<ReportRun>(REPORTS.runNow, { body: req }),
      runs: (query: { schedule?: string; limit?: number } = {}) => r<{ items: ReportRun[] }>(REPORTS.runs, { query }),
      getRun: (id: string) => r<ReportRun>(REPORTS.run, { params: { id } }),
      /** The report itself (HTML, CSV or JSON text). */
      async content(id: string, format: 'html' | 'csv' | 'json'): Promise<string> {
        const res = await send(o, REPORTS.content.method, routeUrl(REPORTS.content, { id, format }));
        if (res.status !== 200)
          throw new ApiError(res.status, `http_${res.status}`, `report content: HTTP ${res.status}`);
        return res.body;
      },
      schedules: () => r<{ items: ReportSchedule[] }>(REPORTS.schedules),
      schedule: (s: ReportScheduleInput) => r<ReportSchedule>(REPORTS.createSchedule, { body: s }),
      updateSchedule: (id: string, patch: Partial<ReportScheduleInput>) =>
        r<ReportSchedule>(REPORTS.updateSchedule, { params: { id }, body: patch }),
      removeSchedule: (id: string) => r<void>(REPORTS.deleteSchedule, { params: { id } }),
    },
  };
}
