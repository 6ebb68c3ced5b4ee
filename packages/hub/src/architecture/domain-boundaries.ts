import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

// Reads the hub's domains as text and lists where one reaches into another: an import of a file
// that is not the other domain's public face (`domains/<name>/index.ts`), and a query of a
// table another domain owns. Used by the boundaries test; no code is run.

export const DOMAINS_DIR = normalize(join(dirname(new URL(import.meta.url).pathname), '..', 'domains'));

const QUERY =
  /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|replaceInto|mergeInto)\(\s*['"`]([a-z_]+)/g;
const IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

export interface Crossing {
  kind: 'import' | 'table';
  /** `configs -> devices/devices.store.ts` or `views -> table devices` */
  key: string;
  file: string;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.tsx?$/.test(name) && !/\.(test|fixture|contract)\.ts$/.test(name) && !name.includes('.test.'))
      out.push(p);
  }
  return out;
}

export function domainOf(file: string): string | null {
  const rel = relative(DOMAINS_DIR, file);
  if (rel.startsWith('..')) return null;
  const parts = rel.split('/');
  return parts.length > 1 ? parts[0] : null;
}

/** Which domain owns each table: every domain's `*.tables.ts` declares its tables in an `…Tables` interface. */
export function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const file of walk(DOMAINS_DIR).filter((f) => f.endsWith('.tables.ts'))) {
    const text = readFileSync(file, 'utf8');
    const block = /export interface \w+Tables \{([^}]*)\}/.exec(text);
    for (const m of block?.[1].matchAll(/^\s*([a-z_]+): \w+;/gm) ?? []) owners.set(m[1], domainOf(file)!);
  }
  return owners;
}

export function findCrossings(): Crossing[] {
  const files = walk(DOMAINS_DIR).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  return crossingsIn(files, tableOwners(), existsSync);
}

/** The crossings in these files (absolute paths under DOMAINS_DIR), given who owns each table. */
export function crossingsIn(
  files: Array<{ path: string; text: string }>,
  owners: Map<string, string>,
  exists: (path: string) => boolean,
): Crossing[] {
  const out: Crossing[] = [];
  for (const { path: file, text } of files) {
    const from = domainOf(file);
    if (!from) continue;
    const rel = relative(DOMAINS_DIR, file);
    for (const m of text.matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), m[1])).replace(/\.js$/, '.ts');
      const to = domainOf(target);
      if (!to || to === from) continue;
      const targetRel = relative(DOMAINS_DIR, exists(target) ? target : target.replace(/\.ts$/, '.tsx'));
      if (targetRel === `${to}/index.ts`) continue;
      out.push({ kind: 'import', key: `${from} -> ${targetRel}`, file: rel });
    }
    for (const m of text.matchAll(QUERY)) {
      const owner = owners.get(m[1]);
      if (owner && owner !== from) out.push({ kind: 'table', key: `${from} -> table ${m[1]}`, file: rel });
    }
  }
  return out;
}

export const PLATFORM_DIR = normalize(join(DOMAINS_DIR, '..', 'platform'));

/**
 * Where a file of `platform/` names a domain's table (as a quoted name, `'enrollment_tokens'`):
 * the platform's ports are for every domain, and the table-specific part stays with its owner.
 */
export function tableNamesIn(files: Array<{ path: string; text: string }>, owners: Map<string, string>): string[] {
  const out: string[] = [];
  for (const f of files)
    for (const m of f.text.matchAll(/['"`]([a-z_]+)['"`]/g))
      if (owners.has(m[1])) out.push(`${relative(PLATFORM_DIR, f.path)} names table ${m[1]} (${owners.get(m[1])})`);
  return [...new Set(out)];
}

export function findPlatformTableNames(): string[] {
  const files = walk(PLATFORM_DIR).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  return tableNamesIn(files, tableOwners());
}
