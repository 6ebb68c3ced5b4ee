import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { compareData, existsData, inData } from './filter-data-sql.js';
import { compareCell, containsCell, existsCell, inCell, inGeoArea } from './filter-cell-sql.js';
import { COLUMN_FIELDS } from './filter-fields.js';
import { FilterFault } from './filter-fault.js';
import { staticMembership } from '../../groups/index.js';
import { MAX_GROUP_NESTING } from './filter-groups.js';
import { parseFilter } from './filter-parser.js';
import * as q from './filter-sql.js';
import { valueText } from './filter-values.js';
import type { CompileContext, CompileResult, FilterAst, FilterFlag, FilterGroup, FilterValue } from './filter.types.js';

type Cond = q.Cond;
type GroupErrorCode = 'filter_unknown_group' | 'filter_group_cycle' | 'filter_group_invalid';

interface State {
  ctx: CompileContext;
  // Paths of the dynamic groups being expanded, outermost first, to catch cycles.
  stack: string[];
  // The reference in the compiled text that led into `stack`: positions inside a
  // group's own filter mean nothing to the person who wrote this one.
  origin?: FilterValue;
  // Shared across the whole compilation: groups that name each other several
  // times would otherwise multiply the SQL exponentially.
  expansions: { count: number };
}

/** How many dynamic group filters one compilation may inline in total. */
export const MAX_GROUP_EXPANSIONS = 256;

function groupFault(st: State, at: FilterValue, code: GroupErrorCode, message: string): FilterFault {
  const inside = st.stack.at(-1);
  if (!st.origin || inside === undefined)
    return FilterFault.of(code, `${message} at position ${at.position}`, at.position, at.length);
  const { position, length } = st.origin;
  return FilterFault.of(
    code,
    `${message} in the filter of group "${inside}" (referenced at position ${position})`,
    position,
    length,
  );
}

function flag(name: FilterFlag): Cond {
  return name === 'decommissioned'
    ? sql<SqlBool>`devices.decommissioned = 1`
    : sql<SqlBool>`devices.presence = ${name}`;
}

function isKnown(groups: ReadonlyMap<string, FilterGroup>, path: string): boolean {
  if (groups.has(path)) return true;
  for (const p of groups.keys()) if (p.startsWith(`${path}/`)) return true;
  return false;
}

function expandDynamic(path: string, group: FilterGroup, at: FilterValue, st: State): Cond {
  if (st.stack.includes(path)) {
    const chain = [...st.stack, path].join(' -> ');
    throw groupFault(st, at, 'filter_group_cycle', `group "${path}" refers back to itself (${chain})`);
  }
  if (st.stack.length >= MAX_GROUP_NESTING) {
    throw groupFault(
      st,
      at,
      'filter_group_invalid',
      `dynamic groups nest deeper than ${MAX_GROUP_NESTING} levels at "${path}"`,
    );
  }
  if (++st.expansions.count > MAX_GROUP_EXPANSIONS) {
    const message = `group references expand to more than ${MAX_GROUP_EXPANSIONS} dynamic group filters at "${path}"`;
    throw groupFault(st, at, 'filter_group_invalid', message);
  }
  const parsed = parseFilter(group.filter ?? '');
  if (!parsed.ok) {
    throw groupFault(
      st,
      at,
      'filter_group_invalid',
      `dynamic group "${path}" has an invalid filter (${parsed.error.message})`,
    );
  }
  const inner: State = { ...st, stack: [...st.stack, path], origin: st.origin ?? at };
  return compileNode(parsed.ast, inner);
}

/** Membership in the group at `value` or any group below it, static or dynamic. */
function membership(value: FilterValue, st: State): Cond {
  const path = valueText(value);
  const { groups } = st.ctx;
  if (!isKnown(groups, path)) throw groupFault(st, value, 'filter_unknown_group', `unknown group "${path}"`);
  const parts = [staticMembership(path)];
  for (const [p, g] of groups) {
    if (g.kind === 'dynamic' && (p === path || p.startsWith(`${path}/`))) parts.push(expandDynamic(p, g, value, st));
  }
  return q.or(parts);
}

function compileGroup(node: FilterAst, st: State): Cond {
  if (node.kind === 'in') return q.or(node.values.map((v) => membership(v, st)));
  if (node.kind === 'compare' && node.op === '=') return membership(node.value, st);
  if (node.kind === 'compare' && node.op === '!=') return q.not(membership(node.value, st));
  throw FilterFault.syntax('group supports only "=", "!=" and "in"', 0);
}

function compileLeaf(node: Extract<FilterAst, { field: unknown }>, st: State): Cond {
  const { field } = node;
  if (field.name === 'group') return compileGroup(node, st);
  if (field.name === 'data') {
    if (node.kind === 'compare') return compareData(field, node.op, node.value);
    if (node.kind === 'in') return inData(field, node.values);
    if (node.kind === 'exists') return existsData(field);
    throw FilterFault.syntax(`${field.point} supports no "~"`, node.value.position, node.value.length);
  }
  if (field.name === 'cell') {
    if (node.kind === 'compare') return compareCell(field.key, node.op, node.value);
    if (node.kind === 'in') return inCell(field.key, node.values);
    return node.kind === 'contains' ? containsCell(field.key, node.value) : existsCell(field.key);
  }
  if (field.name === 'tag') {
    if (node.kind === 'compare') return q.compareTag(field.key, node.op, node.value);
    if (node.kind === 'in') return q.inTag(field.key, node.values);
    return node.kind === 'contains' ? q.containsTag(field.key, node.value) : q.existsTag(field.key);
  }
  const spec = COLUMN_FIELDS[field.name];
  if (node.kind === 'compare') return q.compareColumn(spec, node.op, node.value, st.ctx.now);
  if (node.kind === 'in') return q.inColumn(spec, node.values, st.ctx.now);
  return node.kind === 'contains' ? q.containsColumn(spec, node.value) : q.existsColumn(spec);
}

function compileNode(node: FilterAst, st: State): Cond {
  switch (node.kind) {
    case 'or':
      return q.or(node.items.map((n) => compileNode(n, st)));
    case 'and':
      return q.and(node.items.map((n) => compileNode(n, st)));
    case 'not':
      return q.not(compileNode(node.item, st));
    case 'flag':
      return flag(node.flag);
    case 'geo':
      return inGeoArea(node.area);
    default:
      return compileLeaf(node, st);
  }
}

/**
 * Compiles a parsed filter to a portable SQL condition over `devices` (unaliased):
 * `db.selectFrom('devices').selectAll().where(result.sql)`. Never throws.
 */
export function compileFilter(ast: FilterAst, ctx: CompileContext): CompileResult {
  try {
    const condition: RawBuilder<SqlBool> = compileNode(ast, { ctx, stack: [], expansions: { count: 0 } });
    return { ok: true, sql: condition };
  } catch (e) {
    if (e instanceof FilterFault) return { ok: false, error: e.error };
    throw e;
  }
}

/** Parses and compiles in one step, for callers that already hold the group map. */
export function compileFilterText(text: string, ctx: CompileContext): CompileResult {
  const parsed = parseFilter(text);
  return parsed.ok ? compileFilter(parsed.ast, ctx) : parsed;
}
