const nf = new Intl.NumberFormat('en');

export const num = (n: number | null | undefined) => (n === null || n === undefined ? '–' : nf.format(n));

export function pct(part: number, whole: number): string {
  if (!whole) return '–';
  const p = (part / whole) * 100;
  return `${p >= 99.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)} %`;
}

/** "3 min ago", "in 2 d"; the exact time goes in a title attribute beside it. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const units: Array<[number, string]> = [
    [86_400_000 * 365, 'y'],
    [86_400_000 * 30, 'mo'],
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  if (abs < 5000) return 'just now';
  for (const [size, unit] of units) {
    if (abs >= size) {
      const v = Math.floor(abs / size);
      return ms < 0 ? `${v} ${unit} ago` : `in ${v} ${unit}`;
    }
  }
  return 'just now';
}

// One date format for the whole console: the browser's language and time zone.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Date and time in the person's locale and time zone, to the second, for titles and detail views. */
export function absolute(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** Compact one-line JSON for tables; long values are cut with an ellipsis. */
export function compactJson(v: unknown, max = 120): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
