// The one CSV writer of Outpost: RFC 4180 (§2: fields holding a comma, quote or line break are
// quoted, inner quotes doubled, CRLF line ends), and guarded against formula injection (OWASP
// "CSV Injection"): a text field a spreadsheet would run as a formula — one starting with
// = + - @, a tab or a carriage return — is prefixed with an apostrophe. Numbers are written as
// numbers (a negative number is not a formula).

export type CsvValue = string | number | boolean | null | undefined | readonly unknown[] | object;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s =
    typeof v === 'string' ? v : typeof v === 'boolean' ? String(v) : Array.isArray(v) ? v.join(' ') : JSON.stringify(v);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (the header first, when there is one) as a CSV document with CRLF line ends. */
export function toCsv(rows: ReadonlyArray<ReadonlyArray<CsvValue>>): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
