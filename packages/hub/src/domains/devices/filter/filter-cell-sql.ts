import { sql, type SqlBool } from 'kysely';
import { BOOL_WORDS, CELL_FIELDS } from './filter-cell-fields.js';
import { FilterFault } from './filter-fault.js';
import { boundingBox, haversineLimit } from './filter-geo.js';
import { escapeLike, not, type Cond } from './filter-sql.js';
import { valueText } from './filter-values.js';
import type { CellField, CompareOp, FilterValue, GeoArea } from './filter.types.js';

// Predicates on `device_cellular` (the devices domain's cellular inventory, one row per device).
// Like the tag predicates each is an EXISTS over the device's row, so `!=` and `not` include
// devices that never reported a modem.

const OP_SQL: Readonly<Record<CompareOp, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

function cellExists(cond: Cond): Cond {
  return sql<SqlBool>`EXISTS (SELECT 1 FROM ${sql.table('device_cellular')} c WHERE c.device_id = devices.id AND ${cond})`;
}

function col(key: CellField) {
  return sql.ref(`c.${CELL_FIELDS[key].column}`);
}

function boolValue(key: CellField, v: FilterValue): number {
  const b = BOOL_WORDS[valueText(v).toLowerCase()];
  if (b === undefined) {
    throw FilterFault.syntax(
      `cell.${key} is true or false, not "${valueText(v)}" at position ${v.position}`,
      v.position,
      v.length,
    );
  }
  return b ? 1 : 0;
}

function numberValue(key: CellField, op: string, v: FilterValue): number {
  if (v.type === 'number') return v.value;
  throw FilterFault.syntax(
    `cell.${key} "${op}" needs a number, not "${valueText(v)}" at position ${v.position}`,
    v.position,
    v.length,
  );
}

export function compareCell(key: CellField, op: CompareOp, v: FilterValue): Cond {
  if (op === '!=') return not(compareCell(key, '=', v));
  const c = col(key);
  const kind = CELL_FIELDS[key].kind;
  if (kind === 'bool') return cellExists(sql<SqlBool>`${c} = ${boolValue(key, v)}`);
  if (kind === 'number') return cellExists(sql<SqlBool>`${c} ${sql.raw(OP_SQL[op])} ${numberValue(key, op, v)}`);
  return cellExists(sql<SqlBool>`${c} = ${valueText(v)}`);
}

export function inCell(key: CellField, values: FilterValue[]): Cond {
  const kind = CELL_FIELDS[key].kind;
  const literals = values.map((v) =>
    kind === 'bool' ? boolValue(key, v) : kind === 'number' ? numberValue(key, 'in', v) : valueText(v),
  );
  return cellExists(sql<SqlBool>`${col(key)} IN (${sql.join(literals)})`);
}

export function containsCell(key: CellField, v: FilterValue): Cond {
  const needle = `%${escapeLike(valueText(v).toLowerCase())}%`;
  return cellExists(sql<SqlBool>`LOWER(${col(key)}) LIKE ${needle} ESCAPE '\\'`);
}

export function existsCell(key: CellField): Cond {
  return cellExists(sql<SqlBool>`${col(key)} IS NOT NULL`);
}

const RAD = Math.PI / 180;

function lonRange(west: number, east: number): Cond {
  return west <= east
    ? sql<SqlBool>`c.lon BETWEEN ${west} AND ${east}`
    : sql<SqlBool>`(c.lon >= ${west} OR c.lon <= ${east})`;
}

/**
 * Devices whose last fix lies in the area. A box on the indexed (lat, lon) narrows the rows;
 * for a radius the exact haversine test follows: sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2) ≤ sin²(r/2R).
 */
export function inGeoArea(area: GeoArea): Cond {
  if (area.shape === 'bbox') {
    const box = sql<SqlBool>`c.lat BETWEEN ${area.south} AND ${area.north} AND ${lonRange(area.west, area.east)}`;
    return sql<SqlBool>`devices.id IN (SELECT c.device_id FROM ${sql.table('device_cellular')} c WHERE ${box})`;
  }
  const b = boundingBox(area);
  const lon = b.west === null || b.east === null ? sql<SqlBool>`c.lon IS NOT NULL` : lonRange(b.west, b.east);
  const rad = sql.raw(String(RAD));
  const dLat = sql`SIN((c.lat - ${area.lat}) * ${rad} / 2)`;
  const dLon = sql`SIN((c.lon - ${area.lon}) * ${rad} / 2)`;
  const term = sql`(${dLat} * ${dLat} + ${Math.cos(area.lat * RAD)} * COS(c.lat * ${rad}) * ${dLon} * ${dLon})`;
  return sql<SqlBool>`devices.id IN (SELECT c.device_id FROM ${sql.table('device_cellular')} c WHERE c.lat BETWEEN ${b.south} AND ${b.north} AND ${lon} AND ${term} <= ${haversineLimit(area.radiusM)})`;
}
