import { test } from 'node:test';
import assert from 'node:assert/strict';
import { README_SECTIONS_OPERATIONS, runReadme } from './readme-runner.js';

test("the README's guard and remote access commands run, in order, after its hub and gateway, against a fresh hub", async (t) => {
  // The hub, the sign-in and the enrolled gateway these sections speak of come from the first two sections.
  const ran = await runReadme(t, ['Quick start', 'Trying it', ...README_SECTIONS_OPERATIONS]);
  for (const needed of ['outpost guard key rotate --reason "yearly rotation"', 'outpost access sessions --live'])
    assert.ok(ran.includes(needed), `did not run \`${needed}\`; ran: ${ran.join(' | ')}`);
});
