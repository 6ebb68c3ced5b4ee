export interface TrafficSamplesTable {
  device_id: string;
  ts: string;
  period_s: number;
  rx_bytes: number;
  tx_bytes: number;
  rx_packets: number;
  tx_packets: number;
}

export interface TrafficHourlyTable {
  device_id: string;
  /** Start of the UTC hour, ISO-8601. */
  hour: string;
  /** Hour of the week, 0 = Monday 00:00 UTC … 167. */
  how: number;
  bytes: number;
  packets: number;
  seconds: number;
  samples: number;
}

export interface TrafficPortsTable {
  device_id: string;
  proto: string;
  port: number;
  dir: string;
  first_seen: string;
  last_seen: string;
  /** 1 when first seen after the device's learning period: a port never seen before. */
  novel: number;
  bytes: number;
}

export interface TrafficDevicesTable {
  device_id: string;
  first_seen: string;
}

export interface TrafficTables {
  traffic_samples: TrafficSamplesTable;
  traffic_hourly: TrafficHourlyTable;
  traffic_ports: TrafficPortsTable;
  traffic_devices: TrafficDevicesTable;
}
