import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIdentity, saveIdentity, saveRenewedCredentials, type Identity } from './identity.store.js';

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

  it('replaces key and certificate together after a renewal, leaving no temporary file', async () => {
    const dir = join(root, 'renewed');
    await saveIdentity(dir, sample);
    const renewed = {
      privateKeyPem: '-----BEGIN PRIVATE KEY-----\nkey2\n-----END PRIVATE KEY-----\n',
      certPem: '-----BEGIN CERTIFICATE-----\ncert2\n-----END CERTIFICATE-----\n',
    };
    await saveRenewedCredentials(dir, renewed);
    assert.deepEqual(await loadIdentity(dir), { ...sample, ...renewed });
    assert.equal((await stat(join(dir, 'credentials.pem'))).mode & 0o777, 0o600);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.includes('.tmp-')),
      [],
    );
  });

  it('reads the pair from credentials.pem, whatever the tool copies say', async () => {
    const dir = join(root, 'copies');
    await saveIdentity(dir, sample);
    await writeFile(join(dir, 'device.key'), 'stale');
    assert.deepEqual(await loadIdentity(dir), sample);
  });

  it('still reads an identity written before credentials.pem existed', async () => {
    const dir = join(root, 'legacy');
    await saveIdentity(dir, sample);
    await unlink(join(dir, 'credentials.pem'));
    assert.deepEqual(await loadIdentity(dir), sample);
  });
});
