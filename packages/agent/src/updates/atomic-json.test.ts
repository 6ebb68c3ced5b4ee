import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readJson, writeJsonAtomic } from './atomic-json.js';

test('overlapping writes to one file all succeed and the last one called wins', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-atomic-json-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'job.json');
  await Promise.all(Array.from({ length: 20 }, (_, i) => writeJsonAtomic(file, { n: i })));
  assert.deepEqual(await readJson(file), { n: 19 });
  assert.deepEqual(readdirSync(dir), ['job.json'], 'no temporary file is left behind');
});

test('a failed write does not block the writes queued after it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-atomic-json-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'state.json');
  const bad = writeJsonAtomic(file, { big: 1n });
  const good = writeJsonAtomic(file, { ok: true });
  await assert.rejects(bad, /BigInt/);
  await good;
  assert.deepEqual(await readJson(file), { ok: true });
});
