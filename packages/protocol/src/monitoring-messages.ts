import { Type, type Static } from '@sinclair/typebox';
import { SCHEMA_VERSION } from './device-messages.js';

// Monitoring: traffic counters devices report on `flows`, the notification body the hub sends
// to webhooks and to the integrators' MQTT topic, and the shapes of the monitoring API.

const V = Type.Literal(SCHEMA_VERSION);
const Millis = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000 });
const Count = Type.Number({ minimum: 0, maximum: 1e15 });

/** Topic root the hub publishes notifications on; devices may neither publish nor subscribe there. */
export const ALERTS_TOPIC_ROOT = 'outpost/v1/alerts';

export const FlowInterface = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 32 }),
    rxBytes: Count,
    txBytes: Count,
    rxPackets: Count,
    txPackets: Count,
  },
  { additionalProperties: false },
);

/**
 * One protocol/port a device talked on during the period. `dir` is `in` for a local service
 * (a listening port) and `out` for connections the device opened to a remote service port.
 * Bytes and packets are present when the device can account them (conntrack, simulator).
 */
export const FlowPort = Type.Object(
  {
    proto: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
    port: Type.Integer({ minimum: 0, maximum: 65_535 }),
    dir: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    conns: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
    bytes: Type.Optional(Count),
    packets: Type.Optional(Count),
  },
  { additionalProperties: false },
);
export type FlowPort = Static<typeof FlowPort>;

/** Traffic during the last `periodS` seconds (differences of the device's counters, not totals). */
export const FlowsMessage = Type.Object(
  {
    v: V,
    ts: Millis,
    periodS: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }),
    interfaces: Type.Array(FlowInterface, { maxItems: 32 }),
    ports: Type.Array(FlowPort, { maxItems: 256 }),
  },
  { additionalProperties: false },
);
export type FlowsMessage = Static<typeof FlowsMessage>;

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];
export const HEALTH_STATES = ['normal', 'warning', 'error', 'unknown'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** One alert change inside a notification. */
export const NotifiedAlert = Type.Object({
  alertId: Type.String(),
  event: Type.Union([Type.Literal('fired'), Type.Literal('resolved'), Type.Literal('flapping')]),
  rule: Type.Object({ id: Type.String(), name: Type.String(), type: Type.String() }),
  severity: Type.Union(ALERT_SEVERITIES.map((s) => Type.Literal(s))),
  device: Type.Object({ id: Type.String(), name: Type.String(), url: Type.String() }),
  since: Type.String(),
  at: Type.String(),
  value: Type.Unknown(),
  text: Type.String(),
});
export type NotifiedAlert = Static<typeof NotifiedAlert>;

/**
 * Body of a notification (webhook JSON body, MQTT payload). Many alert changes inside one
 * digest window travel as one message. Webhooks carry `X-Outpost-Signature: t=<unix s>,v1=<hex>`,
 * the HMAC-SHA256 of `<t>.<body>` with the channel secret, and `Idempotency-Key: <id>`.
 */
export const AlertNotification = Type.Object({
  v: V,
  id: Type.String(),
  type: Type.Literal('alerts'),
  createdAt: Type.String(),
  summary: Type.String(),
  counts: Type.Object({ fired: Type.Integer(), resolved: Type.Integer(), flapping: Type.Integer() }),
  alerts: Type.Array(NotifiedAlert),
  /** Alert changes left out of `alerts` to bound the message size. */
  omitted: Type.Integer({ minimum: 0 }),
});
export type AlertNotification = Static<typeof AlertNotification>;

// ---- API shapes (REST) ----

export interface AlertScope {
  group?: string;
  filter?: string;
}

export interface AlertRule {
  id: string;
  name: string;
  type: string;
  severity: AlertSeverity;
  scope: AlertScope;
  params: Record<string, unknown>;
  /** The fire condition must hold this long before the alert fires. */
  forS: number;
  /** The reset condition must hold this long before the alert resolves by itself. */
  clearForS: number;
  channels: string[];
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export type AlertRuleInput = Partial<
  Pick<AlertRule, 'severity' | 'scope' | 'params' | 'forS' | 'clearForS' | 'channels' | 'enabled'>
> & {
  name: string;
  type: string;
};

export interface Alert {
  id: string;
  ruleId: string;
  ruleName: string;
  ruleType: string;
  deviceId: string;
  deviceName: string;
  deviceUrl: string;
  severity: AlertSeverity;
  state: AlertState;
  firedAt: string;
  value: unknown;
  lastValue: unknown;
  text: string;
  flapping: boolean;
  ackedBy: string | null;
  ackedAt: string | null;
  ackNote: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolveNote: string | null;
}

/** Alerts fired in one hour of the timeline, by severity. */
export interface AlertTimelineBucket {
  /** The hour's start (ISO, UTC). */
  at: string;
  info: number;
  warning: number;
  critical: number;
}

/** What a bulk acknowledge or resolve did: the alerts it changed and, for the others, why not. */
export interface AlertBulkResult {
  changed: string[];
  refused: Array<{ id: string; code: string; message: string }>;
}

export interface AlertHistoryEntry {
  at: string;
  event: string;
  actor: string;
  note: string | null;
  value: unknown;
}

export type ChannelKind = 'webhook' | 'email' | 'mqtt';

export interface NotificationChannel {
  id: string;
  name: string;
  kind: ChannelKind;
  /** Kind-specific settings without secrets (webhook URL, SMTP host and recipients, topic). */
  config: Record<string, unknown>;
  digest: { waitS: number; intervalS: number };
  retry: { baseMs: number; capMs: number; maxAttempts: number };
  enabled: boolean;
  hasSecret: boolean;
  createdAt: string;
}

export interface NotificationMessage {
  id: string;
  channelId: string;
  seq: number;
  kind: 'alerts' | 'report' | 'test' | 'automation' | 'data';
  summary: string;
  state: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

export interface ReportSchedule {
  id: string;
  name: string;
  kind: 'fleet' | 'device';
  scope: AlertScope;
  deviceId: string | null;
  periodHours: number;
  formats: Array<'html' | 'csv' | 'json'>;
  cron: string;
  timezone: string;
  channels: string[];
  enabled: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  createdBy: string;
  createdAt: string;
}

export interface ReportRun {
  id: string;
  scheduleId: string | null;
  kind: 'fleet' | 'device';
  title: string;
  state: 'running' | 'succeeded' | 'failed';
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
  periodFrom: string;
  periodTo: string;
  formats: Array<'html' | 'csv' | 'json'>;
  deliveries: Array<{ channelId: string; messageId: string }>;
  requestedBy: string;
}

/** What one evaluation pass of the alert rules did. */
export interface AlertEvalStats {
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

/** Open alerts by state and severity, and the last evaluation pass. */
export interface AlertsSummary {
  open: number;
  firing: number;
  acknowledged: number;
  bySeverity: Record<AlertSeverity, number>;
  lastEvaluation: AlertEvalStats | null;
}

/** A kind of alert rule the hub evaluates, with the parameters it takes. */
export interface AlertRuleTypeInfo {
  type: string;
  title: string;
  params: Record<string, string>;
}
