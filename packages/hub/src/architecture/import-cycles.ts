import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

// Reads the hub's sources as syntax and finds the import cycles among them: the strongly connected
// components of the graph of relative imports (`import type` and re-exports included: a cycle of
// types still ties the files' modules together). Used by the import-cycles test; no code is run.

export const HUB_SRC = normalize(join(dirname(new URL(import.meta.url).pathname), '..'));

/** File → the files it imports, by path relative to `HUB_SRC`. */
export type ImportGraph = Map<string, string[]>;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

/** The relative module specifiers of a file's import and export-from declarations and `import()` calls. */
export function relativeSpecifiers(path: string, text: string): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier) {
      if (ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = n.arguments;
      if (arg && ts.isStringLiteral(arg)) out.push(arg.text);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push(n.argument.literal.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

/** The import graph of `files` (absolute paths under `root`); imports that leave the set are left out. */
export function importGraph(files: Array<{ path: string; text: string }>, root: string = HUB_SRC): ImportGraph {
  const known = new Set(files.map((f) => f.path));
  const resolve = (from: string, spec: string): string | undefined => {
    const base = normalize(join(dirname(from), spec)).replace(/\.js$/, '');
    return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((p) => known.has(p));
  };
  const graph: ImportGraph = new Map();
  for (const f of files) {
    const targets = relativeSpecifiers(f.path, f.text)
      .map((s) => resolve(f.path, s))
      .filter((t): t is string => t !== undefined)
      .map((t) => relative(root, t));
    graph.set(relative(root, f.path), [...new Set(targets)]);
  }
  return graph;
}

/**
 * The cycles of `graph`: each strongly connected component of more than one file (or a file that
 * imports itself), its files sorted, the components sorted by their first file (Tarjan's algorithm).
 */
export function importCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The import cycles among the hub's sources (tests left out), as `a.ts ⇄ b.ts ⇄ …` lines. */
export function findImportCycles(root: string = HUB_SRC): string[] {
  const files = walk(root).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  return importCycles(importGraph(files, root)).map((c) => c.join(' ⇄ '));
}
