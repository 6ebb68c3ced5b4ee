/** The last byte totals a device reported per interface, and the epoch they count from. */
export interface CellularCountersTable {
  device_id: string;
  iface: string;
  epoch: string;
  rx_total: number;
  tx_total: number;
}

/** Bytes one SIM moved in one billing cycle (on whichever device it sat in). */
export interface CellularUsageTable {
  iccid: string;
  /** The cycle's first day, YYYY-MM-DD (UTC). */
  cycle_start: string;
  device_id: string;
  rx_bytes: number;
  tx_bytes: number;
  updated_at: string;
  /** When the projected-overage alert fired for this cycle; it fires once. */
  overage_alerted_at: string | null;
}

/** A SIM's data plan: bytes per cycle and the day of the month a cycle starts. */
export interface CellularPlansTable {
  iccid: string;
  limit_bytes: number;
  cycle_start_day: number;
  updated_at: string;
}

/** Changes the hub saw in a device's reports: SIM swap, IMEI change, roaming start. */
export interface CellularChangesTable {
  id: string;
  device_id: string;
  at: string;
  kind: string;
  old_value: string | null;
  new_value: string | null;
}

export interface CellularTables extends CellularHistoryTables {
  cellular_counters: CellularCountersTable;
  cellular_usage: CellularUsageTable;
  cellular_plans: CellularPlansTable;
  cellular_changes: CellularChangesTable;
}

/** One signal reading of a device's serving cell (dBm / dB), kept as a time series and aged out. */
export interface CellularSignalTable {
  device_id: string;
  /** Milliseconds since the epoch, so ranges and buckets are integer arithmetic on both engines. */
  at_ms: number;
  rsrp: number | null;
  rsrq: number | null;
  snr: number | null;
  rssi: number | null;
  rat: string | null;
}

/** Bytes one device moved over cellular in one UTC hour (any SIM): what the usage spike rule compares. */
export interface CellularUsageHourlyTable {
  device_id: string;
  /** Start of the hour, milliseconds since the epoch. */
  hour_ms: number;
  bytes: number;
}

/** A group's default data plan: it applies to the group's devices (and its subgroups') without a plan of their own. */
export interface CellularGroupPlansTable {
  group_path: string;
  limit_bytes: number;
  cycle_start_day: number;
  updated_at: string;
}

export interface CellularHistoryTables {
  cellular_signal: CellularSignalTable;
  cellular_usage_hourly: CellularUsageHourlyTable;
  cellular_group_plans: CellularGroupPlansTable;
}
