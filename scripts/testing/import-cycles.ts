import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

// Reads the sources of every package (packages/*/src) and of the benchmarks (bench/) as syntax and
// finds the import cycles among them: the strongly connected components of the graph of relative
// imports (`import type` and re-exports included: a cycle of types still ties the files' modules
// together). Tests and their fixtures are left out. Used by the import-cycles test; no code is run.

export const REPO_ROOT = normalize(join(dirname(new URL(import.meta.url).pathname), '..', '..'));

/** File → the files it imports, by path relative to the root the graph was read from. */
export type ImportGraph = Map<string, string[]>;

const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test', 'tests', 'fixtures']);

/** Whether a file (by name) is source: TypeScript, and neither a test nor a test fixture. */
export function isSourceFile(name: string): boolean {
  return /\.(ts|tsx|mts)$/.test(name) && !/\.(test|fixture)\.tsx?$/.test(name);
}

/** Whether a directory (by name) is walked: build output, installed packages and test folders are not. */
export function isSourceDir(name: string): boolean {
  return !SKIPPED_DIRS.has(name) && !name.startsWith('.');
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (isSourceDir(name)) walk(p, out);
    } else if (isSourceFile(name)) out.push(p);
  }
  return out;
}

/** The folders read: each package's src/ and bench/, as absolute paths. */
export function sourceRoots(root: string = REPO_ROOT): string[] {
  const packages = join(root, 'packages');
  const srcs = readdirSync(packages)
    .map((name) => join(packages, name, 'src'))
    .filter((dir) => statSync(dir, { throwIfNoEntry: false })?.isDirectory());
  return [...srcs.sort(), join(root, 'bench')];
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
export function importGraph(files: Array<{ path: string; text: string }>, root: string = REPO_ROOT): ImportGraph {
  const known = new Set(files.map((f) => f.path));
  const resolve = (from: string, spec: string): string | undefined => {
    const base = normalize(join(dirname(from), spec)).replace(/\.(m?js|tsx?)$/, '');
    return [`${base}.ts`, `${base}.tsx`, `${base}.mts`, join(base, 'index.ts'), join(base, 'index.tsx')].find((p) =>
      known.has(p),
    );
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

/** The import cycles among the sources under `dirs` (tests left out), as `a.ts ⇄ b.ts ⇄ …` lines, paths from `root`. */
export function findImportCycles(root: string = REPO_ROOT, dirs: string[] = sourceRoots(root)): string[] {
  const files = dirs.flatMap((dir) => walk(dir)).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  return importCycles(importGraph(files, root)).map((c) => c.join(' ⇄ '));
}
