/**
 * Each device's latest process value per data point: the filter language's `data.*` fields read
 * it. Written by the streams domain through `DataLatestIndex` after each batch it files.
 */
export interface DeviceDataLatestTable {
  device_id: string;
  point: string;
  /** number, boolean (num 0/1), string (text) or null. */
  kind: string;
  num: number | null;
  text: string | null;
  quality: string;
  /** Source time of the value, ms since the epoch. */
  ts: number;
}

export interface DeviceDataTables {
  device_data_latest: DeviceDataLatestTable;
}
