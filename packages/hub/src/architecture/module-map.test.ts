import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { HUB_MODULES } from '../domains/hub-modules.js';
import { MODULE_TABLE_END, MODULE_TABLE_START, moduleTable } from './module-map.js';

describe('the module map', () => {
  it('docs/ARCHITECTURE.md shows the module table as the code declares it', () => {
    const doc = readFileSync(new URL('../../../../docs/ARCHITECTURE.md', import.meta.url), 'utf8');
    const start = doc.indexOf(MODULE_TABLE_START);
    const end = doc.indexOf(MODULE_TABLE_END);
    assert.ok(start >= 0 && end > start, 'the table markers are in the document');
    const shown = doc.slice(start + MODULE_TABLE_START.length, end).trim();
    assert.equal(
      shown,
      moduleTable(),
      'regenerate: node --import tsx packages/hub/src/architecture/print-module-map.ts --write',
    );
  });

  it('every module has a unique name, and every event it consumes is emitted by some module', () => {
    const names = HUB_MODULES.map((m) => m.name);
    assert.equal(new Set(names).size, names.length);
    const emitted = new Set(HUB_MODULES.flatMap((m) => m.events.emits));
    for (const m of HUB_MODULES)
      for (const e of m.events.consumes) assert.ok(emitted.has(e), `${m.name} consumes ${e}, which nobody emits`);
  });

  it('every migration name is declared once', () => {
    const all = HUB_MODULES.flatMap((m) => Object.keys(m.migrations));
    assert.equal(new Set(all).size, all.length);
  });
});
