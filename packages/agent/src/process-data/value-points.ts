import type { DataPointDefinition } from '@outpost/protocol';
import type { ValuePointConfig } from './data-config.js';

/** Definitions of points a command or local applications supply. */
export function valueDefs(points: readonly ValuePointConfig[], source: string): DataPointDefinition[] {
  return points.map((p) => ({
    p: p.p,
    type: p.type ?? 'number',
    ...(p.unit ? { unit: p.unit } : {}),
    ...(p.description ? { description: p.description } : {}),
    source,
  }));
}

/** Whether a value fits the point's declared type (numbers finite, strings at most 256 characters). */
export function fitsType(p: ValuePointConfig, v: unknown): v is number | boolean | string {
  switch (p.type ?? 'number') {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'string':
      return typeof v === 'string' && v.length <= 256;
  }
}
