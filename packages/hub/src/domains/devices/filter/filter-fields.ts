import type { ColumnField, FilterFlag } from './filter.types.js';

export type FieldKind = 'text' | 'version' | 'time' | 'presence';

export interface ColumnSpec {
  kind: FieldKind;
  /** Column of `devices`; the only place column names come from. */
  column: string;
  /** For versions: the column holding `versionKey(column)`. */
  keyColumn?: string;
  nullable: boolean;
}

export const COLUMN_FIELDS: Readonly<Record<ColumnField, ColumnSpec>> = {
  id: { kind: 'text', column: 'id', nullable: false },
  name: { kind: 'text', column: 'name', nullable: false },
  serial: { kind: 'text', column: 'serial', nullable: true },
  model: { kind: 'text', column: 'model', nullable: true },
  firmware: { kind: 'version', column: 'firmware', keyColumn: 'firmware_key', nullable: true },
  agent_version: { kind: 'version', column: 'agent_version', keyColumn: 'agent_version_key', nullable: true },
  location: { kind: 'text', column: 'location', nullable: true },
  ip: { kind: 'text', column: 'ip', nullable: true },
  presence: { kind: 'presence', column: 'presence', nullable: false },
  enrolled_at: { kind: 'time', column: 'enrolled_at', nullable: false },
  last_seen: { kind: 'time', column: 'last_seen_at', nullable: true },
  cert_expires: { kind: 'time', column: 'cert_expires_at', nullable: true },
};

export const FLAGS: readonly FilterFlag[] = ['online', 'offline', 'never_seen', 'decommissioned'];

export const PRESENCE_VALUES: readonly string[] = ['never_seen', 'online', 'offline'];

export const TAG_KEY = /^[A-Za-z0-9_.:-]+$/;

export function isColumnField(name: string): name is ColumnField {
  return Object.hasOwn(COLUMN_FIELDS, name);
}

export function isFlag(name: string): name is FilterFlag {
  return (FLAGS as readonly string[]).includes(name);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = row;
  }
  return prev[b.length];
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  // Short words tolerate one typo, longer ones two; beyond that a guess is noise.
  const limit = word.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** The field or flag the user most likely meant, for "did you mean" hints. */
export function suggestField(word: string): string | undefined {
  const lower = word.toLowerCase();
  const dot = lower.indexOf('.');
  if (dot > 0) {
    const prefix = lower.slice(0, dot);
    if (prefix === 'tags' || editDistance(prefix, 'tag') <= 2) return `tag.${word.slice(dot + 1)}`;
  }
  return closest(lower, [...Object.keys(COLUMN_FIELDS), 'group', ...FLAGS]);
}
