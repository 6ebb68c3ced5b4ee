import { parseFilter } from './filter-parser.js';
import { valueText } from './filter-values.js';
import type { FilterAst, FilterGroup, FilterGroupRow } from './filter.types.js';

/** How many dynamic groups may refer to one another in a chain. */
export const MAX_GROUP_NESTING = 8;

function walk(ast: FilterAst, out: Set<string>): void {
  switch (ast.kind) {
    case 'or':
    case 'and':
      for (const item of ast.items) walk(item, out);
      return;
    case 'not':
      walk(ast.item, out);
      return;
    case 'compare':
      if (ast.field.name === 'group') out.add(valueText(ast.value));
      return;
    case 'in':
      if (ast.field.name === 'group') for (const v of ast.values) out.add(valueText(v));
      return;
    default:
      return;
  }
}

/** The group paths a filter refers to, in order of first mention. */
export function groupPathsIn(ast: FilterAst): string[] {
  const out = new Set<string>();
  walk(ast, out);
  return [...out];
}

export type GroupLoader = (paths: string[]) => Promise<readonly FilterGroupRow[]>;

/**
 * Builds the group map `compileFilter` needs, following dynamic groups' own
 * filters (which may name further groups) for at most MAX_GROUP_NESTING rounds.
 * `load` must return every group at or below each path (see `groupPathCondition`).
 * Filters that do not parse are left for `compileFilter` to report.
 */
export async function collectGroups(ast: FilterAst, load: GroupLoader): Promise<Map<string, FilterGroup>> {
  const groups = new Map<string, FilterGroup>();
  const asked = new Set<string>();
  let pending = groupPathsIn(ast);
  for (let round = 0; round <= MAX_GROUP_NESTING && pending.length > 0; round++) {
    for (const p of pending) asked.add(p);
    const next = new Set<string>();
    for (const row of await load(pending)) {
      if (groups.has(row.path)) continue;
      groups.set(row.path, { id: row.id, kind: row.kind, filter: row.filter });
      if (row.kind !== 'dynamic' || !row.filter) continue;
      const parsed = parseFilter(row.filter);
      if (parsed.ok) for (const p of groupPathsIn(parsed.ast)) if (!asked.has(p)) next.add(p);
    }
    pending = [...next];
  }
  return groups;
}
