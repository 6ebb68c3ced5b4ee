import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, startTestAgent } from './support/devices.js';
import { loadOrCreateCa } from '../src/domains/pki/ca.js';
import { loadOrCreateKek } from '../src/domains/pki/kek.js';
import { createKeyAndCsr } from '@outpost/agent';

describe('device certificates', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
  });
  after(() => t.stop());

  it('refuses a certificate from another CA, even with a known device id', async () => {
    const dev = await enrollTestDevice(t, 'cert-known');
    const otherDir = mkdtempSync(join(tmpdir(), 'outpost-rogue-ca-'));
    const rogue = await loadOrCreateCa({ dataDir: otherDir, kek: await loadOrCreateKek({ dataDir: otherDir }) });
    const { privateKeyPem, csrPem } = await createKeyAndCsr('cert-known');
    const forged = await rogue.signDeviceCsr(csrPem, 'cert-known');
    await assert.rejects(rawClient(t, { keyPem: privateKeyPem, certPem: forged.certPem, caPem: dev.caPem }, 'cert-known'));
  });

  it('refuses an expired certificate from the hub CA', async () => {
    await enrollTestDevice(t, 'cert-old');
    const ca = await loadOrCreateCa({ dataDir: t.dir, kek: await loadOrCreateKek({ dataDir: t.dir }) });
    const { privateKeyPem, csrPem } = await createKeyAndCsr('cert-old');
    const old = await ca.signDeviceCsr(csrPem, 'cert-old', { now: new Date(Date.now() - 2 * 365 * 86_400_000), validityDays: 365 });
    await assert.rejects(rawClient(t, { keyPem: privateKeyPem, certPem: old.certPem, caPem: t.hub.caPem }, 'cert-old'));
  });

  it('refuses a valid hub-signed certificate the hub never recorded as issued', async () => {
    const ca = await loadOrCreateCa({ dataDir: t.dir, kek: await loadOrCreateKek({ dataDir: t.dir }) });
    const { privateKeyPem, csrPem } = await createKeyAndCsr('cert-ghost');
    const ghost = await ca.signDeviceCsr(csrPem, 'cert-ghost');
    await assert.rejects(rawClient(t, { keyPem: privateKeyPem, certPem: ghost.certPem, caPem: t.hub.caPem }, 'cert-ghost'));
  });

  it('drops a connected device when its certificate is revoked, and refuses it afterwards', async () => {
    const dev = await enrollTestDevice(t, 'cert-revoked');
    const agent = startTestAgent(t, dev);
    try {
      await eventually(async () => (await t.admin.devices.get('cert-revoked')).presence === 'online');
      const started = Date.now();
      await t.admin.devices.revoke('cert-revoked', 'stolen from the cabinet');
      await eventually(async () => (await t.admin.devices.get('cert-revoked')).presence === 'offline', 3000);
      assert.ok(Date.now() - started < 3000);
      await assert.rejects(rawClient(t, dev, 'cert-revoked'));
      const audit = await t.admin.audit.list({ action: 'device.revoke' });
      assert.equal(audit.items[0].target, 'device:cert-revoked');
      assert.equal(audit.items[0].details.reason, 'stolen from the cabinet');
    } finally {
      await agent.stop({ clean: false });
    }
  });
});
