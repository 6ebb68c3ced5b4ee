/**
 * Each device's cellular inventory: its primary modem's SIM, network and signal and its last
 * GNSS fix, as last reported on `cellular`; the filter language's `cell.*` fields and geographic
 * predicates read it. Written by the cellular domain through `CellularInventoryStore`, as the
 * protocol's `CellularInventory` (cellular-inventory.store.ts maps a row to it).
 */
export interface DeviceCellularTable {
  device_id: string;
  updated_at: string;
  carrier: string | null;
  mcc: string | null;
  mnc: string | null;
  iccid: string | null;
  imsi: string | null;
  imei: string | null;
  rat: string | null;
  rsrp: number | null;
  rsrq: number | null;
  snr: number | null;
  /** 1 while the modem is registered on a network other than its SIM's home network. */
  roaming: number;
  apn: string | null;
  modem_state: string | null;
  lat: number | null;
  lon: number | null;
  fix_at: string | null;
  accuracy_m: number | null;
  /** Every modem as reported (CellModem[]), bounded by the message schema. */
  modems_json: string;
}

export interface DeviceCellularTables {
  device_cellular: DeviceCellularTable;
}
