import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { eventually, startTestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from './support/updates.js';

const SIZE = 50 * 1024 * 1024;

test('a link cut in the middle of a 50 MB download resumes from where it stopped', async () => {
  const t = await startTestHub({ rolloutTickMs: 100 });
  const sockets = new Set<Socket>();
  t.hub.app.server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const { keys } = await setupTrust(t);
  // Files on disk (a real staging file) and a metered link, so the cut lands mid-download.
  const fleet = await startUpdateFleet(t, 1, {
    prefix: 'dl',
    knobs: { installFailurePct: 0, healthFailurePct: 0, keepImages: true, maxBytesPerSec: 8 * 1024 * 1024 },
  });
  try {
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === 1,
      30_000,
    );
    const art = await releaseArtifact(t, keys, {
      version: '9.0.0',
      models: ['gw-200', 'gw-300', 'rtr-lte-5', 'ser-2x'],
      content: randomBytes(SIZE),
    });
    const r = await t.admin.rollouts.create({
      name: 'big',
      artifactId: art.id,
      target: { filter: 'id = "dl-00001"' },
      waves: [{ percent: 100 }],
    });
    const [job] = (await t.admin.rollouts.jobs(r.id)).items;
    const cutAt = await eventually(
      async () => {
        const j = await t.admin.rollouts.job(job.id);
        return j.state === 'downloading' && j.bytes > 12 * 1024 * 1024 ? j.bytes : null;
      },
      30_000,
      50,
    );
    assert.ok(cutAt < SIZE, 'cut before the end');
    for (const s of sockets) s.destroy(); // the link drops; the MQTT channel is another server
    const done = await eventually(
      async () => {
        const j = await t.admin.rollouts.job(job.id);
        return j.state === 'succeeded' || j.state === 'failed' ? j : null;
      },
      60_000,
      100,
    );
    assert.equal(done.state, 'succeeded', `${done.reason}: ${done.lastError}`);
    const resumed = done.history!.find((h) => h.detail?.startsWith('resumed from byte'));
    assert.ok(resumed, done.history!.map((h) => `${h.state} ${h.detail ?? ''}`).join('\n'));
    const from = Number(/resumed from byte (\d+)/.exec(resumed.detail!)![1]);
    assert.ok(from >= cutAt, `resumed at ${from}, the hub had seen ${cutAt} bytes before the cut`);
    assert.ok(t.hub.domains.updates.served.ranged >= 1, 'the second request asked for a range');
    assert.equal(done.attempt, 1, 'the same attempt: the agent resumed by itself');
  } finally {
    await fleet.stop();
    await t.stop();
  }
});
