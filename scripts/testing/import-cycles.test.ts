import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { join, relative } from 'node:path';
import {
  findImportCycles,
  importCycles,
  importGraph,
  isSourceDir,
  isSourceFile,
  relativeSpecifiers,
  REPO_ROOT,
  sourceRoots,
} from './import-cycles.js';

// No package's modules, nor the benchmarks', import one another in a cycle: a cycle makes the
// order in which modules load decide whether a value is there yet, and ties the files into one.
// The list only shrinks: a new cycle fails the build (import the concrete file, or move what both
// sides share into a file of its own that both import), and a cycle that is gone must be struck.
const KNOWN_CYCLES: string[] = [];

describe('import cycles', () => {
  const cycles = findImportCycles();

  it('no import cycle among the sources of any package or the benchmarks beyond the known list', () => {
    assert.deepEqual(
      cycles.filter((c) => !KNOWN_CYCLES.includes(c)),
      [],
      'new import cycles (files of one strongly connected component)',
    );
  });

  it('the known list holds only cycles that still exist', () => {
    assert.deepEqual(
      KNOWN_CYCLES.filter((c) => !cycles.includes(c)),
      [],
      'strike these from KNOWN_CYCLES',
    );
  });

  it("reads every package's src/ and bench/", () => {
    const packages = readdirSync(join(REPO_ROOT, 'packages')).filter((d) =>
      existsSync(join(REPO_ROOT, 'packages', d, 'package.json')),
    );
    const roots = sourceRoots().map((r) => relative(REPO_ROOT, r));
    assert.deepEqual(roots, [...packages.map((d) => `packages/${d}/src`).sort(), 'bench']);
  });

  it('leaves out tests, fixtures, build output and installed packages', () => {
    const files = ['a.ts', 'b.tsx', 'c.mts', 'a.test.ts', 'a.int.test.ts', 'b.e2e.test.tsx', 'a.fixture.ts', 'a.md'];
    assert.deepEqual(files.filter(isSourceFile), ['a.ts', 'b.tsx', 'c.mts']);
    const dirs = ['domains', 'capture', 'test', 'tests', 'fixtures', 'dist', 'node_modules', '.cache'];
    assert.deepEqual(dirs.filter(isSourceDir), ['domains', 'capture']);
  });

  it('reads every kind of relative import: values, types, re-exports and dynamic imports', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/index.js';",
      "export * from './c.js';",
      "export type { D } from './d.js';",
      "import { readFile } from 'node:fs';",
      "const e = await import('./e.js');",
      "type F = import('./f.js').F;",
    ].join('\n');
    assert.deepEqual(relativeSpecifiers('x.ts', text), [
      './a.js',
      '../b/index.js',
      './c.js',
      './d.js',
      './e.js',
      './f.js',
    ]);
  });

  it('finds a cycle through an index file, even of type imports only, and not a chain', () => {
    const at = (rel: string) => join(REPO_ROOT, rel);
    const files = [
      { path: at('packages/hub/src/domains/audit/index.ts'), text: "export * from './audit.log.js';" },
      { path: at('packages/hub/src/domains/audit/audit.log.ts'), text: "import { seal } from '../pki/index.js';" },
      { path: at('packages/hub/src/domains/pki/index.ts'), text: "export type { Pki } from './pki.service.js';" },
      {
        path: at('packages/hub/src/domains/pki/pki.service.ts'),
        text: "import type { AuditLog } from '../audit/index.js';",
      },
      { path: at('packages/console/src/views.tsx'), text: "import { x } from './panel.js';\nimport './self.js';" },
      { path: at('packages/console/src/panel.tsx'), text: "import type { V } from './views.js';" },
      { path: at('bench/self.ts'), text: "import './self.js';" },
      { path: at('bench/chain.ts'), text: "import './self.js';" },
    ];
    assert.deepEqual(
      importCycles(importGraph(files)).map((c) => c.join(' ⇄ ')),
      [
        'bench/self.ts',
        'packages/console/src/panel.tsx ⇄ packages/console/src/views.tsx',
        'packages/hub/src/domains/audit/audit.log.ts ⇄ packages/hub/src/domains/audit/index.ts ⇄ ' +
          'packages/hub/src/domains/pki/index.ts ⇄ packages/hub/src/domains/pki/pki.service.ts',
      ],
    );
  });
});
