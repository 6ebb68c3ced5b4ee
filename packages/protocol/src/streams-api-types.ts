import type { DataQuality, DataType } from './data-messages.js';

/** A device's data point as the API shows it: definition, hub write switch, latest value and its age. */
export interface DataPointView {
  point: string;
  type: DataType;
  unit?: string;
  description?: string;
  source?: string;
  writable: boolean;
  writesEnabled: boolean;
  value: number | boolean | string | null;
  quality: DataQuality | null;
  reason?: string;
  /** Source time of the latest value (ISO 8601); null before the first value. */
  ts: string | null;
  /** Seconds since the source time of the latest value; null before the first value. */
  ageS: number | null;
}

export interface DataHistoryRow {
  ts: string;
  /** The raw value, or the asked aggregate of the bucket. */
  value: number | boolean | string | null;
  quality?: DataQuality;
  reason?: string;
  min?: number;
  max?: number;
  mean?: number;
  count?: number;
  first?: number;
  last?: number;
}

export interface DataHistory {
  deviceId: string;
  point: string;
  unit?: string;
  interval: 'raw' | '1m' | '1h' | '1d';
  aggregate: 'mean' | 'min' | 'max' | 'first' | 'last' | 'count';
  from: string;
  to: string;
  rows: DataHistoryRow[];
  /** True when raw values past the limit were left out. */
  truncated: boolean;
}
