import type { GuardRateLimit } from '@outpost/protocol';
import type { RegisterTable } from '../shared/guard.types.js';
import type { ProcedureProgress } from './procedure.types.js';

// What the guard remembers between messages, for the rules that depend on it: the value last
// read from each address (maximum step, mask writes, states derived from values), the reads
// still awaiting their reply, the request rate per master and function, and the DNP3 SELECT
// each master made last per outstation, and where each procedure run stands. Every map is bounded: past its bound the oldest entries
// go (values and rate buckets by when first seen, the others by when last set). Time comes from
// the caller.

export const MAX_REMEMBERED_VALUES = 65_536;
export const MAX_PENDING_READS = 1_024;
export const MAX_RATE_BUCKETS = 4_096;
export const MAX_SELECTIONS = 256;
export const MAX_PROCEDURE_RUNS = 256;

/** A DNP3 SELECT awaiting its OPERATE: the object octets selected, its sequence number and when. */
export interface Selection {
  objects: Uint8Array;
  seq: number;
  at: number;
}

const TABLE_INDEX: Record<RegisterTable, number> = { coil: 0, discrete: 1, holding: 2, input: 3 };

// A number key (no string built per value): unit (16 bits), table (2 bits), address (16 bits).
const valueKey = (unit: number, table: RegisterTable, address: number) =>
  (unit * 4 + TABLE_INDEX[table]) * 0x10000 + address;

/** A read awaiting its reply, to attribute the values the reply carries. */
export interface PendingRead {
  unit: number;
  table: RegisterTable;
  start: number;
  count: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

// Past the bound, the least recently used eighth goes in one pass: evicting one entry at a time
// from the front of a Map rescans the deleted entries before it each time (quadratic).
function touch<K, V>(map: Map<K, V>, key: K, value: V, bound: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size <= bound) return;
  let n = Math.max(1, bound >> 3);
  for (const k of map.keys()) {
    map.delete(k);
    if (--n === 0) break;
  }
}

const refill = (b: Bucket | undefined, rule: GuardRateLimit, nowMs: number): number =>
  b ? Math.min(rule.burst, b.tokens + (Math.max(0, nowMs - b.at) * rule.perSecond) / 1000) : rule.burst;

/** What the policy engine reads of the memory; deciding never changes it. */
export interface GuardMemoryView {
  lastValue(unit: number, table: RegisterTable, address: number): number | undefined;
  /** Requests the rate limit lets through now for this master and function (fractional). */
  tokens(ruleIndex: number, rule: GuardRateLimit, master: string, fc: number, nowMs: number): number;
  selection(master: string, unit: number): Selection | undefined;
  /** Where a procedure run stands (undefined: no step done yet). */
  procedureProgress(runId: string): ProcedureProgress | undefined;
}

export class GuardMemory implements GuardMemoryView {
  private readonly values = new Map<number, number>();
  private readonly reads = new Map<string, PendingRead>();
  private readonly buckets = new Map<string, Bucket>();
  private readonly selections = new Map<string, Selection>();
  private readonly runs = new Map<string, ProcedureProgress>();

  procedureProgress(runId: string): ProcedureProgress | undefined {
    return this.runs.get(runId);
  }

  /** A step of a run was done at `at`: the next one is due. */
  advanceProcedure(runId: string, next: number, at: number): void {
    touch(this.runs, runId, { next, at }, MAX_PROCEDURE_RUNS);
  }

  selection(master: string, unit: number): Selection | undefined {
    return this.selections.get(`${master}|${unit}`);
  }

  /** Notes a SELECT (its object octets are copied); a later one from the same master to the same outstation replaces it. */
  select(master: string, unit: number, objects: Uint8Array, seq: number, at: number): void {
    touch(this.selections, `${master}|${unit}`, { objects: objects.slice(), seq, at }, MAX_SELECTIONS);
  }

  /** An OPERATE uses up the SELECT before it, whatever became of it. */
  endSelection(master: string, unit: number): void {
    this.selections.delete(`${master}|${unit}`);
  }

  lastValue(unit: number, table: RegisterTable, address: number): number | undefined {
    return this.values.get(valueKey(unit, table, address));
  }

  rememberValues(read: PendingRead, values: ArrayLike<number>): void {
    const n = Math.min(read.count, values.length);
    for (let i = 0; i < n; i++) this.rememberValue(read.unit, read.table, read.start + i, values[i]);
  }

  /** A value already known is updated in place (polling rewrites the same addresses all the time); a new one may evict. */
  rememberValue(unit: number, table: RegisterTable, address: number, value: number): void {
    const key = valueKey(unit, table, address);
    if (this.values.has(key)) this.values.set(key, value);
    else touch(this.values, key, value, MAX_REMEMBERED_VALUES);
  }

  /** Notes a read by `master` under transaction `id` (Modbus TCP transaction id). */
  expectRead(master: string, id: number, read: PendingRead): void {
    touch(this.reads, `${master}|${id}`, read, MAX_PENDING_READS);
  }

  /** The read a reply answers, removed from the pending ones. */
  takeRead(master: string, id: number): PendingRead | undefined {
    const key = `${master}|${id}`;
    const read = this.reads.get(key);
    if (read) this.reads.delete(key);
    return read;
  }

  tokens(ruleIndex: number, rule: GuardRateLimit, master: string, fc: number, nowMs: number): number {
    return refill(this.buckets.get(`${ruleIndex}|${master}|${fc}`), rule, nowMs);
  }

  /** Counts one request against a rate limit, allowed or not: a master that keeps flooding stays refused. */
  spend(ruleIndex: number, rule: GuardRateLimit, master: string, fc: number, nowMs: number): void {
    const key = `${ruleIndex}|${master}|${fc}`;
    const b = this.buckets.get(key);
    const tokens = Math.max(0, refill(b, rule, nowMs) - 1);
    if (b) {
      // Updated in place: the bucket keeps its place in the eviction order (first seen, first out).
      b.tokens = tokens;
      b.at = nowMs;
    } else touch(this.buckets, key, { tokens, at: nowMs }, MAX_RATE_BUCKETS);
  }

  /** Sizes, for tests of the bounds. */
  sizes(): { values: number; reads: number; buckets: number; selections: number; runs: number } {
    return {
      values: this.values.size,
      reads: this.reads.size,
      buckets: this.buckets.size,
      selections: this.selections.size,
      runs: this.runs.size,
    };
  }
}
