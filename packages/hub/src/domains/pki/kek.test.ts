import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptWithKek, encryptWithKek, loadOrCreateKek } from './kek.js';

describe('KEK', { timeout: 10_000 }, () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'outpost-kek-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('round-trips, and fails on a wrong key, a tampered blob or another AAD', () => {
    const kek = randomBytes(32);
    const blob = encryptWithKek(kek, Buffer.from('secret key material'), 'purpose-a');
    assert.equal(decryptWithKek(kek, blob, 'purpose-a').toString(), 'secret key material');
    assert.throws(() => decryptWithKek(randomBytes(32), blob, 'purpose-a'), /wrong key-encryption key or tampered/);
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 0x01;
    assert.throws(() => decryptWithKek(kek, tampered, 'purpose-a'), /wrong key-encryption key or tampered/);
    assert.throws(() => decryptWithKek(kek, blob, 'purpose-b'), /wrong key-encryption key or tampered/);
    assert.throws(() => decryptWithKek(kek, blob.subarray(0, 10), 'purpose-a'), /truncated/);
  });

  it('uses a fresh IV for every encryption', () => {
    const kek = randomBytes(32);
    const a = encryptWithKek(kek, Buffer.from('same'), 'x');
    const b = encryptWithKek(kek, Buffer.from('same'), 'x');
    assert.notDeepEqual(a, b);
  });

  it('creates the kek file with mode 0600 and reuses it', async () => {
    const dataDir = join(root, 'fresh');
    const first = await loadOrCreateKek({ dataDir });
    assert.equal(first.length, 32);
    assert.equal((await stat(join(dataDir, 'kek'))).mode & 0o777, 0o600);
    assert.deepEqual(await loadOrCreateKek({ dataDir }), first);
    assert.deepEqual(await readFile(join(dataDir, 'kek')), first);
  });

  it('refuses a kek file readable by others', async () => {
    const dataDir = join(root, 'loose');
    await loadOrCreateKek({ dataDir });
    await chmod(join(dataDir, 'kek'), 0o644);
    await assert.rejects(loadOrCreateKek({ dataDir }), /mode 0644 is more permissive than 0600/);
  });

  it('refuses a kek file of the wrong size', async () => {
    const dataDir = join(root, 'short');
    await loadOrCreateKek({ dataDir });
    await writeFile(join(dataDir, 'kek'), randomBytes(16), { mode: 0o600 });
    await assert.rejects(loadOrCreateKek({ dataDir }), /exactly 32 bytes/);
  });

  it('prefers the environment value and rejects a wrong length', async () => {
    const dataDir = join(root, 'env');
    const key = randomBytes(32);
    assert.deepEqual(await loadOrCreateKek({ dataDir, envValue: key.toString('base64') }), key);
    await assert.rejects(stat(join(dataDir, 'kek')), { code: 'ENOENT' });
    await assert.rejects(
      loadOrCreateKek({ dataDir, envValue: randomBytes(16).toString('base64') }),
      /exactly 32 bytes \(got 16/,
    );
    await assert.rejects(loadOrCreateKek({ dataDir, envValue: 'not base64 at all!' }), /base64/);
  });
});
