import { FilterFault } from './filter-fault.js';
import type { Token } from './filter-lexer.js';
import type { FilterValue, Span } from './filter.types.js';

const NUMBER = /^-?\d+(\.\d+)?$/;
const RELATIVE = /^([+-])(\d{1,6})([smhdw])$/;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(z|[+-]\d{2}:?\d{2})?$/i;
const UNIT_MS: Readonly<Record<string, number>> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

export const TIME_FIELDS_HINT = 'enrolled_at, last_seen, cert_expires';

function span(raw: Token): Span {
  return { position: raw.position, length: raw.length };
}

function relative(raw: Token): FilterValue | undefined {
  const m = RELATIVE.exec(raw.text);
  if (!m) return undefined;
  const offsetMs = (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT_MS[m[3]];
  return { type: 'relative', text: raw.text, offsetMs, ...span(raw) };
}

function validDay(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function absolute(raw: Token): FilterValue | undefined {
  const m = ISO_TIME.exec(raw.text);
  if (!m || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  // Without a zone the time is UTC, like every timestamp the hub stores.
  let zone = (m[5] ?? 'Z').toUpperCase();
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00:00'}${zone}`);
  if (Number.isNaN(date.getTime())) return undefined;
  return { type: 'time', iso: date.toISOString(), ...span(raw) };
}

/** A value for a time field: a relative time (`-24h`, `+30d`) or an ISO-8601 date or date-time. */
export function timeValue(raw: Token, field: string): FilterValue {
  const value = relative(raw) ?? absolute(raw);
  if (value) return value;
  throw FilterFault.syntax(
    `expected a time such as 2025-05-01, "2025-05-01T12:00:00Z" or -24h for ${field}, ` +
      `not "${raw.text}" at position ${raw.position}`,
    raw.position,
    raw.length,
  );
}

/** A value for any other field: a number when it looks like one, otherwise text. */
export function literalValue(raw: Token): FilterValue {
  if (raw.type === 'word' && RELATIVE.test(raw.text)) {
    throw FilterFault.syntax(
      `relative times such as "${raw.text}" apply only to time fields (${TIME_FIELDS_HINT}) ` +
        `at position ${raw.position}; quote it to compare text`,
      raw.position,
      raw.length,
    );
  }
  if (raw.type === 'word' && raw.text.startsWith('+')) {
    throw FilterFault.syntax(`unexpected "+" at position ${raw.position}; quote the value`, raw.position, 1);
  }
  if (NUMBER.test(raw.text)) return { type: 'number', text: raw.text, value: Number(raw.text), ...span(raw) };
  return { type: 'text', text: raw.text, ...span(raw) };
}

/** The text a value compares as when compared for equality or containment. */
export function valueText(value: FilterValue): string {
  return value.type === 'time' ? value.iso : value.text;
}
