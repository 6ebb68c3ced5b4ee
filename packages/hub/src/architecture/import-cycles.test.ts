import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { findImportCycles, HUB_SRC, importCycles, importGraph, relativeSpecifiers } from './import-cycles.js';

// The hub's modules import one another without a cycle: a cycle makes the order in which modules
// load decide whether a value is there yet, and ties domains into one. The list only shrinks: a new
// cycle fails the build (import the concrete file, move the shared type to protocol or platform, or
// announce a domain event), and a cycle that is gone must be struck from the list.
const KNOWN_CYCLES: string[] = [];

describe('hub import cycles', () => {
  const cycles = findImportCycles();

  it('no import cycle among the hub sources beyond the known list', () => {
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
    const at = (rel: string) => join(HUB_SRC, rel);
    const files = [
      { path: at('domains/audit/index.ts'), text: "export * from './audit.log.js';" },
      { path: at('domains/audit/audit.log.ts'), text: "import { seal } from '../pki/index.js';" },
      { path: at('domains/pki/index.ts'), text: "export type { Pki } from './pki.service.js';" },
      { path: at('domains/pki/pki.service.ts'), text: "import type { AuditLog } from '../audit/index.js';" },
      { path: at('domains/views/views.ts'), text: "import { x } from '../pki/index.js';\nimport './self.js';" },
      { path: at('domains/views/self.ts'), text: "import './self.js';" },
    ];
    assert.deepEqual(
      importCycles(importGraph(files)).map((c) => c.join(' ⇄ ')),
      [
        'domains/audit/audit.log.ts ⇄ domains/audit/index.ts ⇄ domains/pki/index.ts ⇄ domains/pki/pki.service.ts',
        'domains/views/self.ts',
      ],
    );
  });
});
