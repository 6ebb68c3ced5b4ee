import type { DataQuality } from '@outpost/protocol';
import type { DataPointView } from '../../app/route-types.js';

// How process values read in the console: the value with its unit, the age of the reading, the
// quality as a badge tone.

// The agent repeats every point at least every `maxSilenceS` (300 s by default, docs/DATA.md
// "Report by exception"), so a reading older than that, with some slack for the link, has stopped
// coming. Points do not declare an interval of their own.
export const STALE_AFTER_S = 330;

/** The value as text, with its unit when it has one; "–" before the first reading. */
export function valueText(v: DataPointView['value'], unit?: string): string {
  if (v === null) return '–';
  if (typeof v === 'number') {
    const n = Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
    return unit ? `${n} ${unit}` : n;
  }
  return String(v);
}

/** "12 s ago", "4 min ago", "3 h ago", "2 d ago". */
export function ageText(ageS: number | null): string {
  if (ageS === null) return 'no reading yet';
  const s = Math.max(0, Math.round(ageS));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

export const qualityTone = (q: DataQuality | null) =>
  q === 'good' ? 'tone-good' : q === 'bad' ? 'tone-bad' : q === 'uncertain' ? 'tone-warn' : '';

/** A value that can be drawn: numbers, and booleans as 0/1. */
export function plotValue(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

export const isPlottable = (p: Pick<DataPointView, 'type'>) => p.type === 'number' || p.type === 'boolean';
