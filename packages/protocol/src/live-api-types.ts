import type { AlertSeverity } from './monitoring-messages.js';
import type { RolloutRecord } from './updates-api-types.js';

/** Devices per presence: the sets the filters `online`, `offline` and `never_seen` choose. */
export interface PresenceCounts {
  online: number;
  offline: number;
  never_seen: number;
  total: number;
}

export interface FleetSummary {
  counts: PresenceCounts;
  /** Devices per reported firmware version, largest first (null: never said hello). */
  firmware: Array<{ version: string | null; devices: number }>;
}

/** The dashboard's roll-up per site (a device's `site` tag; null: devices without one), largest first. */
export interface FleetSites {
  sites: Array<{
    site: string | null;
    /** The device filter for the site's devices. */
    filter: string;
    devices: number;
    online: number;
    offline: number;
    neverSeen: number;
    critical: number;
    openAlerts: number;
  }>;
  /** Devices per model and firmware version. */
  firmware: Array<{ model: string | null; firmware: string | null; devices: number }>;
}

export interface PresenceTrendPoint {
  /** Start of the hour (ISO-8601). */
  at: string;
  /** Devices online at the end of the hour (now, for the current hour). */
  online: number;
  wentOnline: number;
  wentOffline: number;
}

/** One line of the audit log as the live stream carries it (no details). */
export interface AuditLine {
  seq: number;
  ts: string;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
}

/** The parts of a rollout that move while it runs: the same fields as `RolloutRecord`, so a console merges them in place. */
export type RolloutProgress = Pick<
  RolloutRecord,
  | 'id'
  | 'state'
  | 'currentWave'
  | 'reason'
  | 'startedAt'
  | 'finishedAt'
  | 'rollbackState'
  | 'counts'
  | 'total'
  | 'waves'
  | 'window'
>;

/** Open alerts (firing or acknowledged), as `GET /api/v1/alerts/summary` counts them. */
export interface AlertCounts {
  open: number;
  firing: number;
  acknowledged: number;
  bySeverity: Record<AlertSeverity, number>;
}

/**
 * Messages of `GET /api/v1/events/stream` (text/event-stream), by event name.
 * `presence` is coalesced (about one a second at most) and lists changed ids, not devices.
 * `rollout` and `alerts` are coalesced too: at most one per rollout, and one for alerts, every ~500 ms.
 */
export interface LiveEvents {
  hello: { counts: PresenceCounts; auditSeq: number };
  presence: { counts: PresenceCounts; changed: Array<[string, 'online' | 'offline']>; more: number };
  audit: { seq: number; items: AuditLine[] };
  rollout: RolloutProgress;
  alerts: AlertCounts;
}
