import type { CellModem } from './cellular-messages.js';

// What the cellular routes answer (routes/cellular.routes.ts).

export interface CellularPlanView {
  source: 'sim' | 'group';
  /** The group the plan is set on, for a group plan. */
  group?: string;
  limitBytes: number;
  cycleStartDay: number;
}

export interface CellularChangeView {
  id: string;
  deviceId: string;
  at: string;
  kind: 'sim_swap' | 'imei_change' | 'roaming_start' | 'overage_projected';
  oldValue: string | null;
  newValue: string | null;
}

/** A device's cellular inventory: its modems and the serving cell of the first one. */
export interface CellularInventory {
  deviceId: string;
  updatedAt: string;
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
  roaming: boolean;
  apn: string | null;
  modemState: string | null;
  location: { lat: number; lon: number; fixAt: string | null; accuracyM: number | null } | null;
  modems: CellModem[];
}

export interface DeviceCellularView {
  inventory: CellularInventory;
  usage: Array<{
    iccid: string;
    cycleStart: string;
    deviceId: string;
    rxBytes: number;
    txBytes: number;
    overageAlertedAt: string | null;
    limitBytes: number | null;
    cycleEnd: string;
  }>;
  changes: CellularChangeView[];
  plan: CellularPlanView | null;
  cycle: { start: string; end: string; usedBytes: number; projectedBytes: number | null } | null;
}

export interface CellularSignalPoint {
  /** Start of the bucket. */
  at: string;
  rsrp: number | null;
  /** The weakest RSRP in the bucket. */
  rsrpMin: number | null;
  rsrq: number | null;
  snr: number | null;
  rssi: number | null;
  rat: string | null;
  /** Readings in the bucket. */
  n: number;
}

export interface CellularSignalHistory {
  from: string;
  to: string;
  bucketS: number;
  points: CellularSignalPoint[];
}

export interface CellularGroupPlan {
  group: string;
  limitBytes: number;
  cycleStartDay: number;
}

export interface CellularUsageTotal {
  key: string;
  sims: number;
  usedBytes: number;
  limitBytes: number;
  projectedBytes: number;
}

export interface CellularUsageReport {
  generatedAt: string;
  at: string;
  group: string | null;
  lines: Array<{
    iccid: string;
    deviceId: string;
    deviceName: string | null;
    carrier: string | null;
    group: string | null;
    cycleStart: string;
    cycleEnd: string;
    limitBytes: number | null;
    planSource: 'sim' | 'group' | 'none';
    usedBytes: number;
    pctOfPlan: number | null;
    projectedBytes: number | null;
  }>;
  byCarrier: CellularUsageTotal[];
  byGroup: CellularUsageTotal[];
  total: CellularUsageTotal;
}

/** A signal verdict from RSRP (dBm), in the bands operators use for LTE/NR. */
export function signalVerdict(rsrp: number | null | undefined): 'excellent' | 'good' | 'fair' | 'poor' | 'unknown' {
  if (rsrp === null || rsrp === undefined) return 'unknown';
  if (rsrp >= -80) return 'excellent';
  if (rsrp >= -90) return 'good';
  if (rsrp >= -100) return 'fair';
  return 'poor';
}
