import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBackup, defaultKekPath, restoreBackup } from '../src/index.js';
import { restartablePort, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient } from './support/devices.js';

test(
  'a backup taken during a CA rotation restores the CA set: the same CAs, states and trust',
  { timeout: 120_000 },
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'outpost-ca-backup-'));
    const ports = { httpPort: await restartablePort(), mqttPort: await restartablePort() };
    let t: TestHub | undefined = await startTestHub(ports, join(root, 'original'));
    try {
      const original = t;
      const before = await enrollTestDevice(original, 'bk-ca-1');
      const rotated = await original.admin.pki.rotateCa();
      const after = await enrollTestDevice(original, 'bk-ca-2');
      const cas = (await original.admin.pki.listCas()).items;
      const archive = join(root, 'hub.tar.gz');
      const kek = readFileSync(defaultKekPath(original.dir));
      const { manifest } = await createBackup({ dataDir: original.dir, out: archive, kek, now: new Date() });
      const paths = manifest.entries.map((e) => e.path);
      for (const f of ['ca.crt', 'ca.key.enc', 'ca-2.crt', 'ca-2.key.enc'])
        assert.ok(paths.includes(`data/pki/${f}`), `pki/${f} is in the backup`);
      await original.stop();
      t = undefined;

      const restoredDir = join(root, 'restored');
      await restoreBackup({ archive, dataDir: restoredDir, kek, writeKekFile: true });
      t = await startTestHub(ports, restoredDir);
      const restored = t;
      assert.deepEqual(
        (await restored.admin.pki.listCas()).items.map((c) => [c.id, c.state, c.fingerprint, c.liveCertificates]),
        cas.map((c) => [c.id, c.state, c.fingerprint, c.liveCertificates]),
      );
      assert.equal((await restored.admin.enrollment.certificateStatus(after.id)).current?.caId, rotated.id);
      // Both CAs are trusted as before: a device of each connects.
      for (const d of [before, after]) {
        const c = await rawClient(restored, { ...d, caPem: restored.hub.caPem }, d.id);
        c.end(true);
      }
      // And the rotation goes on: the old CA can be retired on the restored hub.
      const retired = await restored.admin.pki.retireCa('ca-1', { force: true });
      assert.deepEqual([retired.ca.state, retired.revokedCertificates], ['retired', 1]);
    } finally {
      await t?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  },
);
