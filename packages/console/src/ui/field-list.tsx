import type { ReactNode } from 'react';
import { Link } from '../app/router.js';
import type { Names } from '../app/names.js';

// A record's details as `label value` pairs that wrap inside their cell; bounds keep one odd
// record (a 4 kB blob, a 500-item list) from taking over the page.
const MAX_FIELDS = 8;
const MAX_ITEMS = 6;
const MAX_TEXT = 160;

const DEVICE_KEYS = new Set(['deviceId', 'device_id', 'device']);
const USER_KEYS = new Set(['userId', 'user_id', 'byUserId', 'ownerId']);

/** `sourceIp`, `source_ip` → "source ip". */
export function fieldLabel(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .toLowerCase();
}

function cut(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s;
}

/** One value as short text: lists joined, objects as `key value` pairs, one level deep. */
export function valueText(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return cut(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const shown = v.slice(0, MAX_ITEMS).map((x) => valueText(x, depth + 1));
    return cut(v.length > MAX_ITEMS ? `${shown.join(', ')} (+${v.length - MAX_ITEMS} more)` : shown.join(', '));
  }
  if (typeof v === 'object') {
    if (depth > 0) return '{…}';
    const entries = Object.entries(v as Record<string, unknown>);
    return cut(entries.map(([k, x]) => `${fieldLabel(k)} ${valueText(x, depth + 1)}`).join('; '));
  }
  return cut(String(v));
}

function fieldValue(key: string, v: unknown, names?: Names): ReactNode {
  if (typeof v === 'string' && DEVICE_KEYS.has(key))
    return <Link to={`/devices/${encodeURIComponent(v)}`}>{names ? names.device(v) : v}</Link>;
  if (typeof v === 'string' && USER_KEYS.has(key) && names) return names.user(v);
  return valueText(v);
}

/**
 * The fields of a record (audit details, event data) as readable pairs, never raw JSON: the text
 * wraps inside its column, long values and long lists are cut, and the whole record is the title.
 */
export function FieldList({ data, names }: { data: Record<string, unknown> | null | undefined; names?: Names }) {
  const entries = Object.entries(data ?? {});
  if (!entries.length) return <span className="muted">–</span>;
  const shown = entries.slice(0, MAX_FIELDS);
  return (
    <dl className="fields" title={JSON.stringify(data)}>
      {shown.map(([k, v]) => (
        <div key={k} className="field-pair">
          <dt>{fieldLabel(k)}</dt>
          <dd>{fieldValue(k, v, names)}</dd>
        </div>
      ))}
      {entries.length > MAX_FIELDS ? (
        <div className="muted small">+{entries.length - MAX_FIELDS} more fields</div>
      ) : null}
    </dl>
  );
}
