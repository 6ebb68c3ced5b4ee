import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileOf } from '@outpost/sim';
import { eventually, startTestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, startUpdateFleet } from './support/updates.js';

// Devices enrolled before the release keys' root was set hold no update trust root. They take the
// root with their next job, over their own mutual-TLS link (self-signed by the release keys, so the
// hub cannot make one), and install; a device that could not verify is skipped with the fix in words.
test('devices enrolled before the trust root take it with their job; a device that cannot verify is skipped', async () => {
  const t = await startTestHub({ rolloutTickMs: 100 });
  const fleet = await startUpdateFleet(t, 3, { prefix: 'early' });
  try {
    await eventually(async () => (await t.admin.devices.list({ filter: 'online' })).items.length === 3, 30_000);
    const { keys } = await setupTrust(t);
    const ids = [1, 2, 3].map((i) => `early-0000${i}`);
    const models = [...new Set([1, 2, 3].map((i) => profileOf(i).model))];
    // The third device says it holds a root newer than any the hub knows (another hub's releaser).
    const hello = await t.hub.db.selectFrom('devices').select('hello_json').where('id', '=', ids[2]).executeTakeFirst();
    const caps = (JSON.parse(hello!.hello_json!) as { capabilities: string[] }).capabilities;
    assert.ok(caps.includes('update-root:0'), `a device without a root says so in hello: ${caps.join(' ')}`);
    const foreign = {
      ...JSON.parse(hello!.hello_json!),
      capabilities: [...caps.filter((c) => !c.startsWith('update-root:')), 'update-root:7'],
    };
    await t.hub.db
      .updateTable('devices')
      .set({ hello_json: JSON.stringify(foreign) })
      .where('id', '=', ids[2])
      .execute();

    const a = await releaseArtifact(t, keys, { name: 'fw-early', version: '9.1.0', models });
    const input = {
      name: 'early devices',
      artifactId: a.id,
      target: { filter: 'id ~ "early-"' },
      waves: [{ percent: 100 }],
    };
    const preview = await t.admin.rollouts.preview(input);
    assert.equal(preview.willUpdate, 2, JSON.stringify(preview));
    assert.deepEqual(preview.skipped, { trust_root_unknown: 1 });
    const row = preview.devices.find((d) => d.id === ids[2])!;
    assert.equal(row.reason, 'trust_root_unknown');
    assert.match(row.detail!, /holds update trust root v7, newer than the hub's v1: set that root on the hub/);

    const r = await t.admin.rollouts.create({ ...input, retries: { max: 0, baseS: 1, capS: 1 } });
    const jobs = await eventually(async () => {
      const { items } = await t.admin.rollouts.jobs(r.id);
      return items.length === 3 && items.every((j) => ['succeeded', 'failed', 'skipped'].includes(j.state))
        ? items
        : null;
    }, 60_000);
    const byDevice = new Map(jobs.map((j) => [j.deviceId, j]));
    for (const id of ids.slice(0, 2))
      assert.equal(
        byDevice.get(id)!.state,
        'succeeded',
        `${id}: ${byDevice.get(id)!.reason} ${byDevice.get(id)!.lastError}`,
      );
    assert.equal(byDevice.get(ids[2])!.state, 'skipped');
    assert.equal(byDevice.get(ids[2])!.reason, 'trust_root_unknown');
    // After the job the device holds the root and says so at its next hello.
    await fleet.agents[0].dropLink();
    await eventually(async () => {
      const h = await t.hub.db.selectFrom('devices').select('hello_json').where('id', '=', ids[0]).executeTakeFirst();
      return h?.hello_json?.includes('"update-root:1"') ? true : null;
    }, 30_000);
  } finally {
    await fleet.stop();
    await t.stop();
  }
});
