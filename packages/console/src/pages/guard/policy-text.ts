import { GUARD_TABLES, type GuardPolicyInput, type GuardTable } from '@outpost/protocol';

// How a guard policy reads in a table, and how its form's text fields become the API's shape.

export const MODE_TEXT: Record<GuardPolicyInput['mode'], string> = {
  monitor: 'Monitor: everything passes, violations are recorded',
  alert: 'Alert: everything passes, violations raise alerts',
  enforce: 'Enforce: violating requests are blocked',
};

export const MODE_TONE: Record<GuardPolicyInput['mode'], string> = {
  monitor: 'badge',
  alert: 'badge sev-warning',
  enforce: 'badge tone-good',
};

export const rangesText = (p: GuardPolicyInput) =>
  p.addressRanges ? p.addressRanges.map((r) => `${r.table} ${r.start}–${r.end}`).join(', ') || 'none' : 'any address';

/** One line per rule, for the policies table. */
export function policyLines(p: GuardPolicyInput): string[] {
  return [
    `Functions: ${p.allowedClasses.join(', ') || 'none'}${p.readOnly ? ' · writes need a grant' : ''}`,
    `Masters: ${p.allowedMasters ? p.allowedMasters.join(', ') || 'none' : 'any'} · units: ${p.allowedUnits ? p.allowedUnits.join(', ') || 'none' : 'any'}`,
    `Addresses: ${rangesText(p)}`,
    p.onViolation === 'exception'
      ? 'A blocked request is answered with an exception'
      : 'A blocked request is dropped silently',
  ];
}

export interface RangeRow {
  table: GuardTable;
  start: string;
  end: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const words = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** Masters as written in the form: addresses separated by commas or spaces; empty means any. */
export function parseMasters(text: string): Parsed<string[] | undefined> {
  const list = words(text);
  if (list.length === 0) return { ok: true, value: undefined };
  const long = list.find((m) => m.length > 64);
  if (long) return { ok: false, message: `Master "${long.slice(0, 20)}…" is longer than 64 characters.` };
  if (list.length > 64) return { ok: false, message: 'At most 64 masters.' };
  return { ok: true, value: [...new Set(list)] };
}

/** Unit ids 0–65535 separated by commas or spaces; empty means any. */
export function parseUnits(text: string): Parsed<number[] | undefined> {
  const list = words(text);
  if (list.length === 0) return { ok: true, value: undefined };
  const bad = list.find((u) => !/^\d{1,5}$/.test(u) || Number(u) > 0xffff);
  if (bad) return { ok: false, message: `Unit id "${bad}" is not a whole number from 0 to 65535.` };
  if (list.length > 256) return { ok: false, message: 'At most 256 unit ids.' };
  return { ok: true, value: [...new Set(list.map(Number))] };
}

/** Address ranges from the form's rows; no rows means any address. */
export function parseRanges(rows: RangeRow[]): Parsed<GuardPolicyInput['addressRanges']> {
  if (rows.length === 0) return { ok: true, value: undefined };
  const out: NonNullable<GuardPolicyInput['addressRanges']> = [];
  for (const [i, r] of rows.entries()) {
    const [start, end] = [r.start, r.end].map((v) => (/^\d{1,5}$/.test(v.trim()) ? Number(v) : NaN));
    if (!(start <= 0xffff && end <= 0xffff))
      return { ok: false, message: `Range ${i + 1}: start and end are addresses from 0 to 65535.` };
    if (start > end) return { ok: false, message: `Range ${i + 1}: the start must not be above the end.` };
    if (!GUARD_TABLES.includes(r.table)) return { ok: false, message: `Range ${i + 1}: choose a table.` };
    out.push({ table: r.table, start, end });
  }
  return { ok: true, value: out };
}
