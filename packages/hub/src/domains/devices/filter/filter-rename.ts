import { MAX_FILTER_LENGTH, parseFilter } from './filter-parser.js';
import type { FilterAst, FilterValue } from './filter.types.js';

/** A filter after a group rename: untouched, rewritten, or impossible to rewrite (with the reason). */
export type FilterRewrite =
  { kind: 'unchanged' } | { kind: 'rewritten'; text: string } | { kind: 'failed'; reason: string };

/** `path` moved from `from` to `to` when it is `from` or lies below it; null otherwise. */
export function renamedPath(path: string, from: string, to: string): string | null {
  if (path === from) return to;
  return path.startsWith(`${from}/`) ? to + path.slice(from.length) : null;
}

function groupValues(ast: FilterAst, out: FilterValue[]): void {
  switch (ast.kind) {
    case 'or':
    case 'and':
      for (const item of ast.items) groupValues(item, out);
      return;
    case 'not':
      groupValues(ast.item, out);
      return;
    case 'compare':
      if (ast.field.name === 'group') out.push(ast.value);
      return;
    case 'in':
      if (ast.field.name === 'group') out.push(...ast.values);
      return;
    default:
      return;
  }
}

/**
 * Moves every group path in a filter from `from` (and below) to `to`, through the parser: only the
 * values of `group = …`, `group != …` and `group in (…)` change, each written back as a quoted
 * string at its own place in the text; everything else (spacing, other fields, tag values that
 * happen to spell the name) stays as written. A filter that no longer parses but mentions the old
 * name cannot be told apart from one that refers to it, and is refused rather than guessed at.
 */
export function renameGroupInFilter(text: string, from: string, to: string): FilterRewrite {
  const parsed = parseFilter(text);
  if (!parsed.ok) {
    if (!text.includes(from)) return { kind: 'unchanged' };
    return { kind: 'failed', reason: `the filter does not parse (${parsed.error.message})` };
  }
  const values: FilterValue[] = [];
  groupValues(parsed.ast, values);
  const edits = values
    .filter((v) => v.type === 'text')
    .map((v) => ({ at: v.position, length: v.length, path: renamedPath(v.type === 'text' ? v.text : '', from, to) }))
    .filter((e): e is { at: number; length: number; path: string } => e.path !== null)
    .sort((a, b) => b.at - a.at);
  if (edits.length === 0) return { kind: 'unchanged' };
  let out = text;
  for (const e of edits) out = out.slice(0, e.at) + JSON.stringify(e.path) + out.slice(e.at + e.length);
  if (out.length > MAX_FILTER_LENGTH)
    return { kind: 'failed', reason: `the rewritten filter would be longer than ${MAX_FILTER_LENGTH} characters` };
  return { kind: 'rewritten', text: out };
}
