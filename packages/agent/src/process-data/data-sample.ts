import type { DataPointDefinition, DataQuality, DataValue } from '@outpost/protocol';

/** One reading of one point as a source produced it. */
export interface Sample {
  p: string;
  v: number | boolean | string | null;
  q: DataQuality;
  r?: string;
  /** When the source read it, ms since the epoch. */
  t: number;
}

/** The common settings of a point: reporting and range. */
export interface PointReporting {
  p: string;
  deadband?: number;
  maxSilenceS?: number;
  min?: number;
  max?: number;
}

/** A good reading, made `uncertain` (`out-of-range`) when a number falls outside the declared range. */
export function judged(point: PointReporting, v: number | boolean | string, t: number): Sample {
  if (
    typeof v === 'number' &&
    ((point.min !== undefined && v < point.min) || (point.max !== undefined && v > point.max))
  )
    return { p: point.p, v, q: 'uncertain', r: 'out-of-range', t };
  return { p: point.p, v, q: 'good', t };
}

/** A failed reading: bad, with the reason and the last value known (or null). */
export function bad(p: string, reason: string, t: number, last: Sample['v'] = null): Sample {
  return { p, v: last, q: 'bad', r: reason.slice(0, 64), t };
}

export function toDataValue(s: Sample): DataValue {
  return { p: s.p, v: s.v, ...(s.q !== 'good' ? { q: s.q } : {}), ...(s.r ? { r: s.r } : {}), t: s.t };
}

/** What a data source offers: its points' definitions, values as they come, and perhaps writes. */
export interface DataSource {
  readonly name: string;
  defs(): DataPointDefinition[];
  /** Deadbands and silence of the points, for sources not declared in the sources file. */
  reporting?(): PointReporting[];
  start(emit: (samples: Sample[]) => void): void | Promise<void>;
  stop(): Promise<void>;
  /** Points of this source a `data.write` may change. */
  writable?(p: string): boolean;
  write?(p: string, v: number | boolean | string): Promise<Record<string, unknown>>;
}
