// Tables of the streams domain (migration 024_streams). Times are ms since the epoch (bigint);
// numbers and booleans (as 0/1) go to `num`, strings to `text`; `kind` says which a value was.

/** One data point of one device: its definition, the hub's write switch and its latest value. */
export interface StreamPointsTable {
  device_id: string;
  point: string;
  type: string;
  unit: string | null;
  description: string | null;
  source: string | null;
  /** 1 when the agent declared the point writable. */
  writable: number;
  /** 1 when an admin enabled writes on the hub; 0 by default. */
  writes_enabled: number;
  created_at: number;
  latest_kind: string | null;
  latest_num: number | null;
  latest_text: string | null;
  latest_quality: string | null;
  latest_reason: string | null;
  latest_ts: number | null;
  latest_received_at: number | null;
}

/** Raw values, kept for the raw retention. */
export interface StreamValuesTable {
  device_id: string;
  point: string;
  ts: number;
  received_at: number;
  kind: string;
  num: number | null;
  text: string | null;
  quality: string;
  reason: string | null;
}

/** Roll-ups of numeric values per tier (`1m`, `1h`, `1d`) and bucket start. */
export interface StreamRollupsTable {
  device_id: string;
  point: string;
  tier: string;
  ts: number;
  v_min: number;
  v_max: number;
  v_sum: number;
  n: number;
  v_first: number;
  first_ts: number;
  v_last: number;
  last_ts: number;
}

/** Batches filed, by device and sequence: a batch is filed at most once. */
export interface StreamBatchesTable {
  device_id: string;
  seq: number;
  received_at: number;
}

export interface StreamsTables {
  stream_points: StreamPointsTable;
  stream_values: StreamValuesTable;
  stream_rollups: StreamRollupsTable;
  stream_batches: StreamBatchesTable;
}

/** An admin's order to push new values of some devices' points to a webhook channel. */
export interface DataSubscriptionsTable {
  id: string;
  name: string;
  channel_id: string;
  group_path: string | null;
  filter: string | null;
  /** The scoped creator's groups (JSON array), which narrow the filter; null = made unrestricted. */
  within_json: string | null;
  points_json: string;
  max_batch: number;
  max_delay_ms: number;
  max_backlog: number;
  enabled: number;
  /** The number of the last delivery queued. */
  last_seq: number;
  created_by: string;
  created_at: string;
}

export interface DataSubscriptionTables {
  data_subscriptions: DataSubscriptionsTable;
}
