import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestBody } from '@outpost/protocol';
import { createAbInstaller } from './ab.installer.js';

const m = (version: string): ManifestBody => ({
  type: 'manifest',
  name: 'fw',
  version,
  kind: 'firmware',
  sha256: 'a'.repeat(64),
  length: 1,
  models: ['x'],
  counter: 1,
  issuedAt: '2026-01-01T00:00:00Z',
  expires: '2030-01-01T00:00:00Z',
});
const image = { length: 1, sha256: 'a'.repeat(64) };
// A "power loss" is a new installer over the same directory: nothing but the state file survives.
const reboot = (dir: string) => createAbInstaller({ dir, initialVersion: '1.0.0' });

test('install, trial boot, commit: the new slot becomes the one that boots', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ab-'));
  const ab = reboot(dir);
  assert.deepEqual(ab.boot(), { version: '1.0.0', trial: false, fellBack: false });
  await ab.install(image, m('2.0.0'), 'j1');
  await ab.armTrial('j1');
  const b = reboot(dir);
  assert.deepEqual(b.boot(), { version: '2.0.0', trial: true, fellBack: false });
  await b.commit(m('2.0.0'));
  const c = reboot(dir);
  assert.deepEqual(c.boot(), { version: '2.0.0', trial: false, fellBack: false });
  // Each image written counts once, across reboots.
  assert.equal((await c.state()).installs, 1);
  await c.install(image, m('3.0.0'), 'j2');
  assert.equal((await reboot(dir).state()).installs, 2);
});

test('power lost at any step leaves a bootable slot', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ab-'));
  const ab = reboot(dir);
  ab.boot();
  await ab.install(image, m('2.0.0'), 'j1');
  // Lost after the write, before the trial was armed: the old slot boots.
  assert.deepEqual(reboot(dir).boot(), { version: '1.0.0', trial: false, fellBack: false });
  const again = reboot(dir);
  again.boot();
  await again.install(image, m('2.0.0'), 'j1');
  await again.armTrial('j1');
  // Lost during every trial boot (the new firmware never confirms): after the boot tries, back to 1.0.0.
  for (let i = 0; i < 3; i++) assert.equal(reboot(dir).boot().trial, true);
  assert.deepEqual(reboot(dir).boot(), { version: '1.0.0', trial: false, fellBack: true });
});

test('a failed health check rolls back; revert goes to the previous slot only if it holds that version', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ab-'));
  const ab = reboot(dir);
  ab.boot();
  await ab.install(image, m('2.0.0'), 'j1');
  await ab.armTrial('j1');
  const t = reboot(dir);
  t.boot();
  await t.rollback();
  assert.deepEqual(reboot(dir).boot(), { version: '1.0.0', trial: false, fellBack: false });
  const u = reboot(dir);
  u.boot();
  await u.install(image, m('2.0.0'), 'j2');
  await u.armTrial('j2');
  const v = reboot(dir);
  v.boot();
  await v.commit(m('2.0.0'));
  assert.equal(await v.revert('0.5.0'), false);
  assert.equal(await v.revert('1.0.0'), true);
  assert.equal(reboot(dir).boot().version, '1.0.0');
});
