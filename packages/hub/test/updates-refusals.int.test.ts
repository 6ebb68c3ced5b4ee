import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateReleaseKey } from '@outpost/protocol/node';
import { profileOf } from '@outpost/sim';
import type { ManifestBody } from '@outpost/protocol';
import { eventually, startTestHub } from './support/test-hub.js';
import { releaseArtifact, setupTrust, signManifest, startUpdateFleet } from './support/updates.js';

// The device trusts release keys, not the hub: each bad release below gets past a hub that is
// assumed compromised (its database or disk edited), and the agent must refuse it before
// writing anything, with a reason the operator reads on the job.
const STALE = '0.1.0';

test('the agent refuses tampered, badly signed, expired, untrusted, older and foreign-model releases before installing', async () => {
  const t = await startTestHub({ rolloutTickMs: 100 });
  const { keys } = await setupTrust(t);
  const fleet = await startUpdateFleet(t, 6, { prefix: 'ref' });
  try {
    await eventually(async () => (await t.admin.devices.list({ filter: 'online' })).items.length === 6, 20_000);
    const dev = (i: number) => ({ id: `ref-0000${i}`, ...profileOf(i) });
    const setManifest = (id: string, body: ManifestBody, signers = keys) =>
      t.hub.db
        .updateTable('artifacts')
        .set({ manifest_json: JSON.stringify(signManifest(body, signers)) })
        .where('id', '=', id)
        .execute();

    const cases: Array<{ i: number; reason: string; prepare(): Promise<string> }> = [
      {
        i: 1,
        reason: 'hash_mismatch',
        async prepare() {
          const a = await releaseArtifact(t, keys, { name: 'fw-tampered', version: '9.0.0', models: [dev(1).model] });
          const path = join(t.dir, 'artifacts', a.sha256!);
          const bytes = readFileSync(path);
          bytes[100] ^= 0xff; // same length, other content
          writeFileSync(path, bytes);
          return a.id;
        },
      },
      {
        i: 2,
        reason: 'signature_invalid',
        async prepare() {
          const a = await releaseArtifact(t, keys, { name: 'fw-badsig', version: '9.0.0', models: [dev(2).model] });
          const forged = signManifest({ ...a.manifest!.signed, counter: 99 }, keys).signatures;
          await t.hub.db
            .updateTable('artifacts')
            .set({ manifest_json: JSON.stringify({ signed: a.manifest!.signed, signatures: forged }) })
            .where('id', '=', a.id)
            .execute();
          return a.id;
        },
      },
      {
        i: 3,
        reason: 'manifest_expired',
        async prepare() {
          const a = await releaseArtifact(t, keys, { name: 'fw-expired', version: '9.0.0', models: [dev(3).model] });
          await setManifest(a.id, { ...a.manifest!.signed, expires: new Date(Date.now() - 60_000).toISOString() });
          return a.id;
        },
      },
      {
        i: 4,
        reason: 'key_untrusted',
        async prepare() {
          const a = await releaseArtifact(t, keys, { name: 'fw-untrusted', version: '9.0.0', models: [dev(4).model] });
          await setManifest(a.id, a.manifest!.signed, [generateReleaseKey()]);
          return a.id;
        },
      },
      {
        i: 5,
        reason: 'version_older',
        // Properly signed, but older than what the device runs: a rollback attack. The hub would skip
        // it (newer_version) from its inventory, so the inventory is made to lie, as on a hub an
        // attacker controls: the device's own check is what must hold.
        async prepare() {
          await t.hub.db.updateTable('devices').set({ firmware: STALE }).where('id', '=', dev(5).id).execute();
          return (await releaseArtifact(t, keys, { name: 'fw-old', version: '0.9.0', models: [dev(5).model] })).id;
        },
      },
      {
        i: 6,
        reason: 'model_mismatch',
        async prepare() {
          const a = await releaseArtifact(t, keys, { name: 'fw-foreign', version: '9.0.0', models: [dev(6).model] });
          await setManifest(a.id, { ...a.manifest!.signed, models: ['some-other-model'] });
          return a.id;
        },
      },
    ];

    const rollouts: Array<{ id: string; c: (typeof cases)[number] }> = [];
    for (const c of cases) {
      const artifactId = await c.prepare();
      const r = await t.admin.rollouts.create({
        name: `refuse ${c.reason}`,
        artifactId,
        target: { filter: `id = "${dev(c.i).id}"` },
        waves: [{ percent: 100 }],
        retries: { max: 0, baseS: 1, capS: 1 },
      });
      rollouts.push({ id: r.id, c });
    }
    for (const { id, c } of rollouts) {
      const [job] = await eventually(async () => {
        const { items } = await t.admin.rollouts.jobs(id);
        return items[0]?.state === 'failed' ? items : null;
      }, 20_000);
      assert.equal(job.reason, c.reason, `device ${dev(c.i).id}: ${job.lastError}`);
      assert.ok(job.lastError && job.lastError.length > 10, `a readable message for ${c.reason}: ${job.lastError}`);
      const { history } = await t.admin.rollouts.job(job.id);
      const states = history!.map((h) => h.state);
      assert.ok(!states.includes('installing'), `${c.reason}: nothing was installed (${states.join(' → ')})`);
      if (c.reason !== 'hash_mismatch')
        assert.ok(!states.includes('downloading'), `${c.reason}: refused before downloading (${states.join(' → ')})`);
      // The engine's next tick weighs the failure against the threshold.
      const r = await eventually(async () => {
        const x = await t.admin.rollouts.get(id);
        return x.state === 'running' ? null : x;
      }, 20_000);
      assert.equal(r.state, 'aborted', 'one failure of one device crosses the default abort threshold');
      const d = await t.admin.devices.get(dev(c.i).id);
      assert.equal(d.firmware, c.reason === 'version_older' ? STALE : dev(c.i).firmware, 'nothing was installed');
    }
  } finally {
    await fleet.stop();
    await t.stop();
  }
});
