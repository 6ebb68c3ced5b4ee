import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIdentity, saveIdentity, type Identity } from './identity.store.js';

const sample: Identity = {
  deviceId: 'dev-1',
  privateKeyPem: '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n',
  certPem: '-----BEGIN CERTIFICATE-----\ncert\n-----END CERTIFICATE-----\n',
  caPem: '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n',
  mqttUrl: 'mqtts://hub.example:8883',
  httpUrl: 'https://hub.example:8443',
  caFingerprint: 'ab'.repeat(32),
};

describe('identity store', { timeout: 10_000 }, () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'outpost-id-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('returns null before enrollment', async () => {
    assert.equal(await loadIdentity(join(root, 'none')), null);
  });

  it('round-trips and keeps the key private', async () => {
    const dir = join(root, 'id');
    await saveIdentity(dir, sample);
    assert.deepEqual(await loadIdentity(dir), sample);
    assert.equal((await stat(join(dir, 'device.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(dir)).mode & 0o777, 0o700);
    for (const f of ['device.crt', 'ca.crt', 'identity.json']) assert.ok((await stat(join(dir, f))).isFile(), f);
  });

  it('overwrites a previous identity', async () => {
    const dir = join(root, 'id');
    await saveIdentity(dir, { ...sample, deviceId: 'dev-2' });
    assert.equal((await loadIdentity(dir))?.deviceId, 'dev-2');
  });

  it('reports a damaged identity.json', async () => {
    const dir = join(root, 'broken');
    await saveIdentity(dir, sample);
    await writeFile(join(dir, 'identity.json'), '{"deviceId":"x"}');
    await assert.rejects(loadIdentity(dir), /"mqttUrl" is missing/);
    await writeFile(join(dir, 'identity.json'), '{');
    await assert.rejects(loadIdentity(dir), /not valid JSON/);
  });
});
