import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';

// Each workspace package declares exactly what its code imports: no dependency that nothing
// imports (it would be installed on a device for nothing), no import that only works because a
// neighbour declared it, and an `exports` map whose entries name a source file and its compiled counterpart.

const ROOT = new URL('../../', import.meta.url).pathname;
const PACKAGES = join(ROOT, 'packages');
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

interface Manifest {
  name: string;
  exports?: Record<string, { types: string; source: string; default: string }>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|tsx|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

const isTestFile = (f: string) =>
  /\.(test|fixture|bench)\.tsx?$/.test(f) || f.includes('/test/') || f.endsWith('.config.ts');

// The package names a file imports (bare specifiers only; `node:` and relative paths are not packages).
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm,
  )) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]))
      continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
  }
  return [...names];
}

const packages = readdirSync(PACKAGES).filter((d) => existsSync(join(PACKAGES, d, 'package.json')));

describe('workspace manifests', () => {
  for (const dir of packages) {
    const manifest = JSON.parse(readFileSync(join(PACKAGES, dir, 'package.json'), 'utf8')) as Manifest;
    const files = sources(join(PACKAGES, dir));
    const runtime = new Set(files.filter((f) => !isTestFile(f)).flatMap(importedPackages));
    const anywhere = new Set(files.flatMap(importedPackages));
    const declared = Object.keys(manifest.dependencies ?? {});
    const dev = new Set([
      ...Object.keys(manifest.devDependencies ?? {}),
      ...Object.keys(rootManifest.devDependencies ?? {}),
    ]);

    it(`${manifest.name}: declares every package its code imports`, () => {
      const undeclared = [...runtime].filter(
        (p) =>
          p !== manifest.name &&
          !declared.includes(p) &&
          !dev.has(p) &&
          // A package of types only (`import type … from 'geojson'`) is declared as @types/geojson.
          !dev.has(`@types/${p}`) &&
          !p.startsWith('@types/'),
      );
      assert.deepEqual(undeclared, []);
    });

    it(`${manifest.name}: imports every dependency it declares`, () => {
      // Some packages are used for their side effects or types only by name in code.
      const unused = declared.filter(
        (p) => !anywhere.has(p) && !(p === 'reflect-metadata' && anywhere.has('@peculiar/x509')),
      );
      assert.deepEqual(unused, []);
    });

    it(`${manifest.name}: exports name a source file and its compiled counterpart`, () => {
      for (const [key, target] of Object.entries(manifest.exports ?? {})) {
        // Types and tests read src/; Node at run time reads the compiled file in dist/.
        const { types, source, default: compiled } = target;
        assert.ok(existsSync(join(PACKAGES, dir, source)), `${key} -> ${source} does not exist`);
        assert.equal(types, source, `${key}: types and source differ`);
        assert.equal(compiled, source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '.js'), `${key}: default`);
      }
    });
  }
});
