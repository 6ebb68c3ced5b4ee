import type { AuditCheckpoint, AuditComponent, AuditRecord } from '@outpost/protocol';
import { exportableDetails } from './siem-fields.js';

/** The streams a sink follows, each in its own order with its own cursor. */
export const SIEM_SOURCES = ['audit', 'checkpoints', 'device-events', 'alerts'] as const;
export type SiemSource = (typeof SIEM_SOURCES)[number];

export type SiemOutcome = 'ok' | 'denied' | 'failed';
export type SiemSeverity = 'info' | 'notice' | 'warning' | 'error' | 'critical';
export type SiemCategory = 'audit' | 'security' | 'checkpoint' | 'guard' | 'device' | 'alert';

/**
 * One exported event: the five fields an auditor asks for (UTC time, component, event type,
 * subject, outcome) and what else identifies it. Built from a stored record; details pass the
 * field allowlist (siem-fields.ts) and nothing else leaves the hub.
 */
export interface SiemEvent {
  source: SiemSource;
  /** The source's position of this event: the cursor moves past it once the receiver took it. */
  position: string;
  /** Per-source sequence shown to the receiver (audit seq, device event seq…), to spot gaps and repeats. */
  seq: string;
  time: string;
  component: AuditComponent;
  type: string;
  category: SiemCategory;
  subject: string;
  outcome: SiemOutcome;
  severity: SiemSeverity;
  target: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
  /** Integrity: the audit record's chain links, or the checkpoint's signature. */
  integrity?: Record<string, string | number>;
}

// Audit actions that are refusals or attacks on the hub's boundary rather than operators' work.
const SECURITY_ACTIONS = new Set([
  'api.refused',
  'device.refused',
  'device.message_rejected',
  'access.relay.refuse',
  'audit.summarised',
]);

function auditCategory(r: AuditRecord): SiemCategory {
  if (SECURITY_ACTIONS.has(r.action)) return 'security';
  // A sign-in or second-factor check that did not succeed.
  if (r.outcome !== 'ok' && (r.action.startsWith('auth.') || r.action.startsWith('mfa.'))) return 'security';
  return 'audit';
}

function details(raw: Record<string, unknown>): Record<string, unknown> {
  const { fields, omitted } = exportableDetails(raw);
  return omitted ? { ...fields, omittedFields: omitted } : fields;
}

/** An audit record as exported; records older than the component field get this hub's. */
export function fromAuditRecord(r: AuditRecord, hub: AuditComponent): SiemEvent {
  const category = auditCategory(r);
  return {
    source: 'audit',
    position: String(r.seq),
    seq: String(r.seq),
    time: r.ts,
    component: r.component ?? hub,
    type: r.action,
    category,
    subject: `${r.actorType}:${r.actor}`,
    outcome: r.outcome,
    severity: r.outcome === 'failed' ? 'error' : r.outcome === 'denied' ? 'warning' : 'notice',
    target: r.target,
    sourceIp: r.sourceIp,
    details: details(r.details),
    integrity: { seq: r.seq, prevHash: r.prevHash, hash: r.hash },
  };
}

/** A signed head of the audit chain, sent out so a witness outside the hub holds it too. */
export function fromCheckpoint(cp: AuditCheckpoint, hub: AuditComponent): SiemEvent {
  return {
    source: 'checkpoints',
    position: String(cp.seq),
    seq: String(cp.seq),
    time: cp.ts,
    component: hub,
    type: 'audit.checkpoint',
    category: 'checkpoint',
    subject: `system:${hub.software}`,
    outcome: 'ok',
    severity: 'notice',
    target: `audit:${cp.seq}`,
    sourceIp: null,
    details: {},
    integrity: { seq: cp.seq, hash: cp.hash, keyId: cp.keyId, signature: cp.signature },
  };
}

/** A device event as the hub stored it (guard events are those of type `guard.*`). */
export interface StoredDeviceEvent {
  position: string;
  deviceId: string;
  seq: number;
  ts: string;
  type: string;
  severity: string;
  data: Record<string, unknown>;
  agentVersion: string | null;
}

const REFUSAL = /(blocked|refused|rejected|mismatch|denied|login_failed)$/;
const FAILURE = /(failed|malformed|overload|dropped)$/;

export function fromDeviceEvent(e: StoredDeviceEvent): SiemEvent {
  const blocked = e.data.action === 'blocked' || e.data.blocked === true;
  return {
    source: 'device-events',
    position: e.position,
    seq: String(e.seq),
    time: e.ts,
    component: { host: e.deviceId, software: 'outpost-agent', version: e.agentVersion ?? '-' },
    type: e.type,
    category: e.type.startsWith('guard.') ? 'guard' : e.severity === 'info' ? 'device' : 'security',
    subject: `device:${e.deviceId}`,
    outcome: blocked || REFUSAL.test(e.type) ? 'denied' : FAILURE.test(e.type) ? 'failed' : 'ok',
    severity: e.severity === 'critical' ? 'critical' : e.severity === 'warning' ? 'warning' : 'info',
    target: `device:${e.deviceId}`,
    sourceIp: null,
    details: details(e.data),
  };
}

/** One step in an alert's life (fired, acknowledged, resolved…), with the alert it belongs to. */
export interface StoredAlertEvent {
  position: string;
  alertId: string;
  n: number;
  at: string;
  event: string;
  actor: string;
  ruleName: string;
  ruleType: string;
  deviceId: string;
  severity: string;
  text: string;
}

export function fromAlertEvent(a: StoredAlertEvent, hub: AuditComponent): SiemEvent {
  return {
    source: 'alerts',
    position: a.position,
    seq: `${a.alertId}.${a.n}`,
    time: a.at,
    component: hub,
    type: `alert.${a.event}`,
    category: 'alert',
    subject: a.actor.includes(':') ? a.actor : `system:${a.actor}`,
    outcome: 'ok',
    severity: a.severity === 'critical' ? 'critical' : a.severity === 'warning' ? 'warning' : 'info',
    target: `device:${a.deviceId}`,
    sourceIp: null,
    details: { rule: a.ruleName, type: a.ruleType, state: a.event, reason: a.text.slice(0, 512) },
  };
}

/** The JSON sent as the syslog MSG and as one line of the JSON lines sink. */
export function eventJson(e: SiemEvent): string {
  const { position: _p, ...rest } = e;
  return JSON.stringify(rest);
}
