import { test } from 'node:test';
import assert from 'node:assert/strict';
import { README_SECTIONS_OPERATIONS, readmeSections, runReadme } from './readme-runner.js';

test('every command of the README runs, in order, against a fresh hub from a directory outside the repository', async (t) => {
  // The guard and remote access sections run in readme-operations.e2e.test.ts, against a hub of their own.
  const sections = readmeSections().filter((s) => !README_SECTIONS_OPERATIONS.includes(s));
  const ran = await runReadme(t, sections);
  assert.ok(ran.includes('outpost audit verify') && ran.length >= 12, `ran only: ${ran.join(' | ')}`);
});
