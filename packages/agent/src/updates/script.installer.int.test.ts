import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestBody } from '@outpost/protocol';
import { createScriptInstaller } from './script.installer.js';

const m: ManifestBody = {
  type: 'manifest',
  name: 'fw',
  version: '2.0.0',
  kind: 'firmware',
  sha256: 'a'.repeat(64),
  length: 3,
  models: ['x'],
  counter: 1,
  issuedAt: '2026-01-01T00:00:00Z',
  expires: '2030-01-01T00:00:00Z',
};

// A stand-in for RAUC: `install` copies the image into a "slot" and records the version it holds;
// `version` prints what "booted"; mark-good/mark-bad are logged.
function fakeTool(dir: string) {
  const tool = join(dir, 'tool.sh');
  writeFileSync(
    tool,
    `#!/bin/sh
case "$1" in
  install) cp "$2" "${dir}/slot.img" && echo "$OUTPOST_ARTIFACT_VERSION" > "${dir}/pending" ;;
  version) cat "${dir}/running" ;;
  good) echo good >> "${dir}/log" ;;
  bad) echo bad >> "${dir}/log" ;;
  *) exit 3 ;;
esac
`,
    { mode: 0o755 },
  );
  writeFileSync(join(dir, 'running'), '1.0.0\n');
  return (...a: string[]) => [tool, ...a];
}

test('the script installer hands the image to the tool, detects the trial boot, commits or rolls back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'script-inst-'));
  const t = fakeTool(dir);
  const make = () =>
    createScriptInstaller({
      dir,
      install: t('install'),
      commit: t('good'),
      rollback: t('bad'),
      version: t('version'),
      initialVersion: '1.0.0',
    });
  const a = make();
  assert.deepEqual(a.boot(), { version: '1.0.0', trial: false, fellBack: false });
  const img = join(dir, 'image.bin');
  writeFileSync(img, 'abc');
  await a.install({ path: img, length: 3, sha256: m.sha256 }, m, 'j1');
  assert.equal(readFileSync(join(dir, 'slot.img'), 'utf8'), 'abc');
  await a.armTrial('j1');
  // The tool's bootloader boots the new image.
  writeFileSync(join(dir, 'running'), '2.0.0\n');
  const b = make();
  assert.deepEqual(b.boot(), { version: '2.0.0', trial: true, fellBack: false });
  await b.commit(m);
  assert.equal(readFileSync(join(dir, 'log'), 'utf8'), 'good\n');
  // A second update whose image the bootloader refused: back on 2.0.0, the trial fell back.
  await b.install({ path: img, length: 3, sha256: m.sha256 }, { ...m, version: '3.0.0' }, 'j2');
  await b.armTrial('j2');
  assert.deepEqual(make().boot(), { version: '2.0.0', trial: false, fellBack: true });
  await assert.rejects(
    createScriptInstaller({ dir, install: t('nope'), initialVersion: '1' }).install(
      { path: img, length: 3, sha256: m.sha256 },
      m,
      'j3',
    ),
    /exited with 3/,
  );
});
