import type { Presence } from './api-types.js';
import type { HealthState } from './monitoring-messages.js';

// Shapes of the health and traffic API (`/api/v1/health/*`, `/api/v1/traffic/*`).

export type HealthRuleOp = '>' | '>=' | '<' | '<=';

/** One rule of a health model: a metric compared with a warning and/or an error threshold. */
export interface HealthRule {
  /** A numeric field of the device health report, e.g. `cpuPct`; aliases such as `cpu` are accepted on input. */
  metric: string;
  op: HealthRuleOp;
  warning?: number;
  error?: number;
}

/** The rules the hub judges one device model by; model `*` is the default for models without their own. */
export interface HealthModel {
  model: string;
  rules: HealthRule[];
  /** Who set it (username, or `user/token:id` for an API token); `built-in` for the default the hub ships with. */
  updatedBy: string;
  updatedAt: string | null;
}

export interface HealthModelList {
  items: HealthModel[];
  /** The metrics a rule can name (fields of the device health report). */
  metrics: string[];
}

export type HealthCounts = Record<HealthState, number>;

export interface FleetHealth {
  total: number;
  counts: HealthCounts;
  /** Per device model; devices that never reported one are under `(unknown)`. */
  byModel: Record<string, HealthCounts>;
}

/** A rule a device's latest report crosses. */
export interface HealthReason {
  metric: string;
  value: number | null;
  state: HealthState;
}

export interface DeviceHealth {
  deviceId: string;
  model: string | null;
  presence: Presence;
  healthAt: string | null;
  /** `unknown` when the device is offline or its last report is too old. */
  state: HealthState;
  reasons: HealthReason[];
}

/** What normal traffic looks like for a device at this hour, in bytes per second. */
export interface TrafficBaseline {
  median: number;
  /** Median absolute deviation: the usual spread around the median. */
  mad: number;
  /** The same hour of the week over past weeks, the same hour of the day over past days, or the last reports. */
  source: 'hour-of-week' | 'hour-of-day' | 'recent';
  points: number;
}

/** The device's latest traffic report against its baseline (kept in memory since the hub started). */
export interface DeviceTrafficStatus {
  /** Milliseconds since the epoch. */
  at: number;
  periodS: number;
  bytesPerS: number;
  /** Null while there is too little history to say what is normal. */
  baseline: TrafficBaseline | null;
}

/** A protocol/port a device talked on. */
export interface TrafficPort {
  deviceId: string;
  proto: string;
  port: number;
  /** `in`: a local service the device offers; `out`: a remote service port it connects to. */
  dir: string;
  firstSeen: string;
  lastSeen: string;
  /** First seen after the device's learning period: a port it never used before. */
  novel: boolean;
  bytes: number;
}

/** Traffic of one UTC hour: bytes and packets over the seconds of reports that fell in it. */
export interface TrafficHour {
  hour: string;
  bytes: number;
  packets: number;
  seconds: number;
}

export interface DeviceTraffic {
  deviceId: string;
  status: DeviceTrafficStatus | null;
  /** End of the learning period (ports first seen before it are normal); null until a report since the hub started. */
  learningUntil: string | null;
  ports: TrafficPort[];
  hourly: TrafficHour[];
}

export interface TrafficSummary {
  from: string;
  to: string;
  totalBytes: number;
  byHour: Array<{ hour: string; bytes: number }>;
  top: Array<{ deviceId: string; bytes: number }>;
}
