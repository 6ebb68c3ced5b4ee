import { sql, type SqlBool } from 'kysely';
import { BOOL_WORDS } from './filter-cell-fields.js';
import { not, type Cond } from './filter-sql.js';
import { valueText } from './filter-values.js';
import type { CompareOp, DataFieldRef, FilterValue } from './filter.types.js';

// Predicates on `device_data_latest` (the latest value of each device's data points, written by
// the streams domain). Each is an EXISTS over the device's row of that point, so `!=` and `not`
// include devices that never reported the point. A value of bad quality is no reading: value
// comparisons skip it (its quality can still be asked for).

const OP_SQL: Readonly<Record<CompareOp, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

function pointExists(point: string, cond: Cond): Cond {
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table('device_data_latest')} x WHERE x.device_id = devices.id AND x.point = ${point} AND ${cond})`;
}

/** One literal against the value: numbers numerically, true/false against booleans, anything else as text. */
function valueEquals(v: FilterValue): Cond {
  if (v.type === 'number') return sql<SqlBool>`(x.kind = 'number' AND x.num = ${v.value})`;
  const text = valueText(v);
  const b = BOOL_WORDS[text.toLowerCase()];
  const asText = sql<SqlBool>`(x.kind = 'string' AND x.text = ${text})`;
  return b === undefined ? asText : sql<SqlBool>`((x.kind = 'boolean' AND x.num = ${b ? 1 : 0}) OR ${asText})`;
}

const readable = sql<SqlBool>`x.quality <> 'bad'`;

export function compareData(f: DataFieldRef, op: CompareOp, v: FilterValue): Cond {
  if (op === '!=') return not(compareData(f, '=', v));
  if (f.part === 'quality') return pointExists(f.point, sql<SqlBool>`x.quality = ${valueText(v)}`);
  if (op === '=') return pointExists(f.point, sql<SqlBool>`${readable} AND ${valueEquals(v)}`);
  // Ordering needs a number (the checks refused anything else); booleans order as 0 and 1.
  const n = v.type === 'number' ? v.value : Number(valueText(v));
  return pointExists(
    f.point,
    sql<SqlBool>`${readable} AND x.kind IN ('number', 'boolean') AND x.num ${sql.raw(OP_SQL[op])} ${n}`,
  );
}

export function inData(f: DataFieldRef, values: FilterValue[]): Cond {
  if (f.part === 'quality')
    return pointExists(f.point, sql<SqlBool>`x.quality IN (${sql.join(values.map((v) => valueText(v)))})`);
  const any = sql.join(
    values.map((v) => valueEquals(v)),
    sql` OR `,
  );
  return pointExists(f.point, sql<SqlBool>`${readable} AND (${any})`);
}

export function existsData(f: DataFieldRef): Cond {
  return pointExists(f.point, sql<SqlBool>`x.kind <> 'null'`);
}
