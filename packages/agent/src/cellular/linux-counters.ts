import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelReading } from './byte-counters.js';

// Cellular data interfaces by their usual Linux names (qmi_wwan/cdc_mbim: wwan*/wwp*, Qualcomm
// rmnet, cdc_ether/RNDIS: usb*, PPP dial-up, MHI PCIe modems).
export const CELLULAR_INTERFACE = /^(wwan|wwp|rmnet|usb|ppp|mhi)/;

function readCount(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Byte counters of the interfaces under `root` (/sys/class/net) whose names pass `include`. */
export function readInterfaceCounters(root: string, include: (name: string) => boolean): KernelReading[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const out: KernelReading[] = [];
  for (const name of names.sort()) {
    if (!include(name)) continue;
    const rx = readCount(join(root, name, 'statistics', 'rx_bytes'));
    const tx = readCount(join(root, name, 'statistics', 'tx_bytes'));
    if (rx !== undefined && tx !== undefined) out.push({ name, rxBytes: rx, txBytes: tx });
  }
  return out;
}

/** This boot's id (changes at every boot). */
export function readBootId(path = '/proc/sys/kernel/random/boot_id'): string {
  try {
    return readFileSync(path, 'utf8').trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}
