import type { GuardProtocol, GuardRequest, RegisterTable } from '../shared/guard.types.js';

export type ObservationKind = 'new_master' | 'new_unit' | 'new_function';

export interface Observation {
  kind: ObservationKind;
  protocol: GuardProtocol;
  master: string;
  unit: number;
  fc: number;
}

export interface LearnedRange {
  protocol: GuardProtocol;
  unit: number;
  table: RegisterTable;
  start: number;
  end: number;
}

/** What normal traffic looks like: the learner's state, serialisable as JSON. */
export interface LearnedBaseline {
  masters: string[];
  units: Array<{ protocol: GuardProtocol; unit: number }>;
  functions: Array<{ protocol: GuardProtocol; fc: number }>;
  ranges: LearnedRange[];
}

const DEFAULT_MAX = 4096;

/**
 * Records the masters, unit ids, function codes and address ranges seen in well-formed
 * requests and reports the first sighting of a master, unit or function code. Each set is
 * capped (default 4096 entries); beyond the cap nothing new is learned or reported.
 */
export class TrafficLearner {
  private readonly masters = new Set<string>();
  private readonly units = new Set<string>();
  private readonly functions = new Set<string>();
  private readonly ranges = new Map<string, Array<[number, number]>>();

  constructor(
    private readonly maxEntries = DEFAULT_MAX,
    baseline?: LearnedBaseline,
  ) {
    if (baseline) this.load(baseline);
  }

  observe(req: GuardRequest, master: string): Observation[] {
    if (req.class === 'malformed') return [];
    const out: Observation[] = [];
    const base = { protocol: req.protocol, master, unit: req.unit, fc: req.fc };
    if (this.add(this.masters, master)) out.push({ kind: 'new_master', ...base });
    if (this.add(this.units, `${req.protocol}:${req.unit}`)) out.push({ kind: 'new_unit', ...base });
    if (this.add(this.functions, `${req.protocol}:${req.fc}`)) out.push({ kind: 'new_function', ...base });
    for (const r of req.ranges) this.addRange(`${req.protocol}:${req.unit}:${r.table}`, r.start, r.start + r.count - 1);
    return out;
  }

  baseline(): LearnedBaseline {
    const split = (k: string) => k.split(':');
    return {
      masters: [...this.masters],
      units: [...this.units].map((k) => ({ protocol: split(k)[0] as GuardProtocol, unit: Number(split(k)[1]) })),
      functions: [...this.functions].map((k) => ({ protocol: split(k)[0] as GuardProtocol, fc: Number(split(k)[1]) })),
      ranges: [...this.ranges].flatMap(([k, spans]) =>
        spans.map(([start, end]) => ({
          protocol: split(k)[0] as GuardProtocol,
          unit: Number(split(k)[1]),
          table: split(k)[2] as RegisterTable,
          start,
          end,
        })),
      ),
    };
  }

  private load(b: LearnedBaseline): void {
    b.masters.forEach((m) => this.add(this.masters, m));
    b.units.forEach((u) => this.add(this.units, `${u.protocol}:${u.unit}`));
    b.functions.forEach((f) => this.add(this.functions, `${f.protocol}:${f.fc}`));
    b.ranges.forEach((r) => this.addRange(`${r.protocol}:${r.unit}:${r.table}`, r.start, r.end));
  }

  private add(set: Set<string>, key: string): boolean {
    if (set.has(key) || set.size >= this.maxEntries) return false;
    set.add(key);
    return true;
  }

  // Keeps a sorted list of disjoint spans per unit and table, merging overlaps and neighbours.
  private addRange(key: string, start: number, end: number): void {
    const spans = this.ranges.get(key) ?? [];
    // Steady state: the range is already known, nothing to merge.
    if (spans.some((s) => s[0] <= start && end <= s[1])) return;
    if (!this.ranges.has(key)) {
      if (this.ranges.size >= this.maxEntries) return;
      this.ranges.set(key, spans);
    }
    const merged: Array<[number, number]> = [];
    let cur: [number, number] = [start, end];
    for (const s of spans) {
      if (s[1] + 1 < cur[0] || s[0] > cur[1] + 1) merged.push(s);
      else cur = [Math.min(s[0], cur[0]), Math.max(s[1], cur[1])];
    }
    merged.push(cur);
    merged.sort((a, b) => a[0] - b[0]);
    spans.splice(0, spans.length, ...merged.slice(0, this.maxEntries));
  }
}
