import { randomBytes } from 'node:crypto';
import type { CellCounter } from '@outpost/protocol';

// Per-interface byte totals that only grow, kept across agent restarts and device reboots.
// The kernel's counters (/sys/class/net/IF/statistics) start from zero at boot and when a
// driver re-creates the interface, and wrap at 2^32 where the driver keeps 32-bit counters.
// Each reading adds the difference since the last one to a total, so the hub can take
// differences of totals: a repeated report adds nothing, a lost one loses nothing.

const WRAP_32 = 2 ** 32;
// Interfaces per report; the schema takes 16.
export const MAX_COUNTED_INTERFACES = 16;

export interface KernelReading {
  name: string;
  rxBytes: number;
  txBytes: number;
}

interface Kept {
  lastRx: number;
  lastTx: number;
  rxBytes: number;
  txBytes: number;
}

/** What is persisted between readings; `bootId` tells a reboot from a wrap. */
export interface CounterState {
  epoch: string;
  bootId: string;
  interfaces: Record<string, Kept>;
}

/**
 * What the counter grew by from `last` to `cur` within one boot. A smaller value is a wrap when
 * the last one sat in the upper half of the 32-bit range; otherwise the interface was re-created
 * and counts from zero, so all of `cur` is new.
 */
export function counterDelta(last: number, cur: number): number {
  if (cur >= last) return cur - last;
  if (last < WRAP_32 && last >= WRAP_32 / 2) return WRAP_32 - last + cur;
  return cur;
}

export function newCounterState(bootId: string): CounterState {
  return { epoch: randomBytes(12).toString('base64url'), bootId, interfaces: {} };
}

/** Folds one reading into the state (in place) and gives back the totals to report. */
export function foldReading(state: CounterState, bootId: string, readings: KernelReading[]): CellCounter[] {
  const rebooted = state.bootId !== bootId;
  state.bootId = bootId;
  for (const r of readings) {
    const kept = state.interfaces[r.name];
    if (!kept) {
      if (Object.keys(state.interfaces).length >= MAX_COUNTED_INTERFACES) continue;
      // First sight of an interface: what it counted before is not ours to attribute.
      state.interfaces[r.name] = { lastRx: r.rxBytes, lastTx: r.txBytes, rxBytes: 0, txBytes: 0 };
      continue;
    }
    // After a reboot the kernel counted from zero: the whole reading is new traffic.
    kept.rxBytes += rebooted ? r.rxBytes : counterDelta(kept.lastRx, r.rxBytes);
    kept.txBytes += rebooted ? r.txBytes : counterDelta(kept.lastTx, r.txBytes);
    kept.lastRx = r.rxBytes;
    kept.lastTx = r.txBytes;
  }
  if (rebooted) {
    // An interface absent after the reboot starts from zero when it comes back.
    const seen = new Set(readings.map((r) => r.name));
    for (const [name, kept] of Object.entries(state.interfaces)) {
      if (!seen.has(name)) [kept.lastRx, kept.lastTx] = [0, 0];
    }
  }
  return Object.entries(state.interfaces).map(([name, k]) => ({ name, rxBytes: k.rxBytes, txBytes: k.txBytes }));
}

/** Checks a state read back from disk; anything malformed counts as no state (a new epoch). */
export function parseCounterState(v: unknown): CounterState | null {
  if (!v || typeof v !== 'object') return null;
  const s = v as Partial<CounterState>;
  if (typeof s.epoch !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(s.epoch)) return null;
  if (typeof s.bootId !== 'string' || !s.interfaces || typeof s.interfaces !== 'object') return null;
  const entries = Object.entries(s.interfaces);
  if (entries.length > MAX_COUNTED_INTERFACES) return null;
  const count = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  for (const [, k] of entries) {
    if (!k || ![k.lastRx, k.lastTx, k.rxBytes, k.txBytes].every(count)) return null;
  }
  return s as CounterState;
}
