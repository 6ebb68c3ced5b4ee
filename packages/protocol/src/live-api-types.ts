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

/**
 * Messages of `GET /api/v1/events/stream` (text/event-stream), by event name.
 * `presence` is coalesced (about one a second at most) and lists changed ids, not devices.
 */
export interface LiveEvents {
  hello: { counts: PresenceCounts; auditSeq: number };
  presence: { counts: PresenceCounts; changed: Array<[string, 'online' | 'offline']>; more: number };
  audit: { seq: number; items: AuditLine[] };
}
