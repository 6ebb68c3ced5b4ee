import type { DataQuality, DataType } from '@outpost/protocol';

// The streams domain's vocabulary: process values of device data points, their definitions, and
// the roll-ups the hub keeps of them. Other domains see these only through index.ts.

/** One value of one data point of one device, as the hub stored it. */
export interface StreamValue {
  deviceId: string;
  point: string;
  value: number | boolean | string | null;
  quality: DataQuality;
  reason?: string;
  /** When the agent read the value (ms since the epoch). */
  sourceTs: number;
  /** When the hub received the batch (ms since the epoch). */
  receivedAt: number;
}

/** What a data point is. */
export interface StreamDefinition {
  deviceId: string;
  point: string;
  type: DataType;
  unit?: string;
  description?: string;
  source?: string;
  /** Declared by the agent. */
  writable: boolean;
  /** Enabled by an admin on the hub; default false. */
  writesEnabled: boolean;
}

/** One bucket of a roll-up tier (numbers; booleans count as 0/1). `ts` is the bucket's start. */
export interface RollupRow {
  ts: number;
  min: number;
  max: number;
  mean: number;
  count: number;
  first: number;
  last: number;
}

export type RollupTier = '1m' | '1h' | '1d';

/** Reads of the streams domain, for the API and for the domains built on it (sharing, alerts). */
export interface StreamsReader {
  definitions(deviceId?: string): Promise<StreamDefinition[]>;
  latest(deviceId: string): Promise<StreamValue[]>;
  raw(q: { deviceId: string; point: string; from: number; to: number; limit?: number }): Promise<StreamValue[]>;
  rollups(q: { deviceId: string; point: string; from: number; to: number; tier: RollupTier }): Promise<RollupRow[]>;
  /** Called after each batch is stored (in order per device); returns an unsubscribe. */
  onValues(listener: (deviceId: string, values: StreamValue[]) => void): () => void;
}
