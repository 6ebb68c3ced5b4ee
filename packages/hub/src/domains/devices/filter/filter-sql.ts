import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { ColumnSpec } from './filter-fields.js';
import { FilterFault } from './filter-fault.js';
import { valueText } from './filter-values.js';
import type { CompareOp, FilterValue } from './filter.types.js';
import { versionKey } from '@outpost/protocol';

// Leaf predicates. Every literal is a bound parameter; identifiers come only from
// the fixed column map. Each predicate is two-valued (never SQL NULL), so `not`
// means what it says for devices with missing values.

export type Cond = RawBuilder<SqlBool>;
type Expr = RawBuilder<unknown>;

const OP_SQL: Readonly<Record<CompareOp, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

export const TRUE: Cond = sql<SqlBool>`1 = 1`;
export const FALSE: Cond = sql<SqlBool>`1 = 0`;

export function and(parts: Cond[]): Cond {
  return parts.length === 1 ? parts[0] : sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

export function or(parts: Cond[]): Cond {
  return parts.length === 1 ? parts[0] : sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

export function not(part: Cond): Cond {
  return sql<SqlBool>`NOT (${part})`;
}

/** Escapes LIKE wildcards so the text matches literally under `ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function containsLike(expr: Expr, needle: string): Cond {
  // LOWER on both sides: LIKE is case-sensitive on PostgreSQL but not on SQLite.
  return sql<SqlBool>`LOWER(${expr}) LIKE ${`%${escapeLike(needle.toLowerCase())}%`} ESCAPE '\\'`;
}

function stripDigits(expr: Expr): Expr {
  let out = expr;
  for (const d of '0123456789') out = sql`REPLACE(${out}, '${sql.raw(d)}', '')`;
  return out;
}

/**
 * Numeric ordering on a text value. The CASE guard keeps non-numeric text away
 * from the cast, which PostgreSQL would reject; such rows simply do not match.
 */
function numericCompare(expr: Expr, op: CompareOp, v: FilterValue): Cond {
  if (v.type !== 'number') {
    throw FilterFault.syntax(`"${op}" needs a number at position ${v.position}`, v.position, v.length);
  }
  const rest = stripDigits(expr);
  const numeric = sql.join(
    [
      sql`${expr} IS NOT NULL`,
      sql`LENGTH(${rest}) < LENGTH(${expr})`,
      sql`REPLACE(REPLACE(${rest}, '.', ''), '-', '') = ''`,
      sql`${expr} NOT LIKE '%.%.%'`,
      sql`${expr} NOT LIKE '_%-%'`,
    ],
    sql` AND `,
  );
  const cmp = sql`CAST(${expr} AS DOUBLE PRECISION) ${sql.raw(OP_SQL[op])} ${v.value}`;
  return sql<SqlBool>`(CASE WHEN ${numeric} THEN ${cmp} ELSE 1 = 0 END)`;
}

function timeText(v: FilterValue, now: Date): string {
  if (v.type === 'relative') return new Date(now.getTime() + v.offsetMs).toISOString();
  return valueText(v);
}

function isOrdering(op: CompareOp): boolean {
  return op !== '=' && op !== '!=';
}

function column(spec: ColumnSpec, name = spec.column): Expr {
  return sql.ref(`devices.${name}`);
}

function guard(spec: ColumnSpec, col: Expr, cond: Cond): Cond {
  return spec.nullable ? sql<SqlBool>`(${col} IS NOT NULL AND ${cond})` : cond;
}

export function compareColumn(spec: ColumnSpec, op: CompareOp, v: FilterValue, now: Date): Cond {
  if (op === '!=') return not(compareColumn(spec, '=', v, now));
  const col = column(spec);
  const operator = sql.raw(OP_SQL[op]);
  if (spec.kind === 'time') return guard(spec, col, sql<SqlBool>`${col} ${operator} ${timeText(v, now)}`);
  if (!isOrdering(op)) return guard(spec, col, sql<SqlBool>`${col} = ${valueText(v)}`);
  if (spec.kind === 'version' && spec.keyColumn) {
    const key = column(spec, spec.keyColumn);
    return guard(spec, key, sql<SqlBool>`${key} ${operator} ${versionKey(valueText(v))}`);
  }
  return numericCompare(col, op, v);
}

export function inColumn(spec: ColumnSpec, values: FilterValue[], now: Date): Cond {
  const col = column(spec);
  const texts = values.map((v) => (spec.kind === 'time' ? timeText(v, now) : valueText(v)));
  return guard(spec, col, sql<SqlBool>`${col} IN (${sql.join(texts)})`);
}

export function containsColumn(spec: ColumnSpec, v: FilterValue): Cond {
  const col = column(spec);
  return guard(spec, col, containsLike(col, valueText(v)));
}

export function existsColumn(spec: ColumnSpec): Cond {
  return spec.nullable ? sql<SqlBool>`${column(spec)} IS NOT NULL` : TRUE;
}

const TAG_VALUE: Expr = sql.ref('t.value');

function tagExists(key: string, cond?: Cond): Cond {
  const extra = cond ? sql` AND ${cond}` : sql``;
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table('device_tags')} t WHERE t.device_id = devices.id AND t.key = ${key}${extra})`;
}

export function compareTag(key: string, op: CompareOp, v: FilterValue): Cond {
  // "!=" includes devices without the tag: it is exactly the negation of "=".
  if (op === '!=') return not(compareTag(key, '=', v));
  if (op === '=') return tagExists(key, sql<SqlBool>`${TAG_VALUE} = ${valueText(v)}`);
  return tagExists(key, numericCompare(TAG_VALUE, op, v));
}

export function inTag(key: string, values: FilterValue[]): Cond {
  return tagExists(key, sql<SqlBool>`${TAG_VALUE} IN (${sql.join(values.map(valueText))})`);
}

export function containsTag(key: string, v: FilterValue): Cond {
  return tagExists(key, containsLike(TAG_VALUE, valueText(v)));
}

export function existsTag(key: string): Cond {
  return tagExists(key);
}
