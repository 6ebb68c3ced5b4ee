import type { CellField } from './filter.types.js';

export type CellKind = 'text' | 'number' | 'bool';

export interface CellSpec {
  kind: CellKind;
  /** Column of `device_cellular`; the only place its column names come from. */
  column: string;
}

/** `cell.<key>` fields: the primary modem's SIM, network and signal as the device last reported them. */
export const CELL_FIELDS: Readonly<Record<CellField, CellSpec>> = {
  carrier: { kind: 'text', column: 'carrier' },
  mcc: { kind: 'text', column: 'mcc' },
  mnc: { kind: 'text', column: 'mnc' },
  iccid: { kind: 'text', column: 'iccid' },
  imsi: { kind: 'text', column: 'imsi' },
  imei: { kind: 'text', column: 'imei' },
  rat: { kind: 'text', column: 'rat' },
  apn: { kind: 'text', column: 'apn' },
  rsrp: { kind: 'number', column: 'rsrp' },
  rsrq: { kind: 'number', column: 'rsrq' },
  snr: { kind: 'number', column: 'snr' },
  roaming: { kind: 'bool', column: 'roaming' },
};

export const CELL_PREFIX = 'cell.';

export function isCellField(key: string): key is CellField {
  return Object.hasOwn(CELL_FIELDS, key);
}

export const BOOL_WORDS: Readonly<Record<string, boolean>> = { true: true, false: false, yes: true, no: false };
