import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';
import { defaultKekPath, loadOrCreateKek, readKek } from './kek.js';

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

  it('creates the kek file beside the data directory, mode 0600, says so, and reuses it', async () => {
    const dataDir = join(root, 'fresh');
    const warnings: string[] = [];
    const first = await loadOrCreateKek({ dataDir, warn: (m) => warnings.push(m) });
    assert.equal(first.length, 32);
    assert.equal(defaultKekPath(dataDir), `${dataDir}.kek`);
    assert.equal((await stat(`${dataDir}.kek`)).mode & 0o777, 0o600);
    await assert.rejects(stat(join(dataDir, 'kek')), { code: 'ENOENT' });
    assert.match(warnings.join('\n'), /the KEK is in .*fresh\.kek, beside the data directory/);
    assert.deepEqual(await loadOrCreateKek({ dataDir }), first);
    assert.deepEqual(await readFile(`${dataDir}.kek`), first);
  });

  it('refuses a kek file readable by others', async () => {
    const dataDir = join(root, 'loose');
    await loadOrCreateKek({ dataDir });
    await chmod(`${dataDir}.kek`, 0o644);
    await assert.rejects(loadOrCreateKek({ dataDir }), /mode 0644 is more permissive than 0600/);
  });

  it('refuses a kek file of the wrong size', async () => {
    const dataDir = join(root, 'short');
    await loadOrCreateKek({ dataDir });
    await writeFile(`${dataDir}.kek`, randomBytes(16), { mode: 0o600 });
    await assert.rejects(loadOrCreateKek({ dataDir }), /exactly 32 bytes/);
  });

  it('moves a KEK an earlier release kept inside the data directory out of it, and says so', async () => {
    const dataDir = join(root, 'legacy');
    await mkdir(dataDir, { mode: 0o700 });
    const old = randomBytes(32);
    await writeFile(join(dataDir, 'kek'), old, { mode: 0o600 });
    const warnings: string[] = [];
    assert.deepEqual(await loadOrCreateKek({ dataDir, warn: (m) => warnings.push(m) }), old);
    await assert.rejects(stat(join(dataDir, 'kek')), { code: 'ENOENT' });
    assert.deepEqual(await readFile(`${dataDir}.kek`), old);
    assert.match(warnings.join('\n'), /moved the KEK out of the data directory/);
    assert.deepEqual(await readKek({ dataDir }), old);
  });

  it('refuses to choose between two different KEKs inside and beside the data directory', async () => {
    const dataDir = join(root, 'two');
    await loadOrCreateKek({ dataDir });
    await mkdir(dataDir, { mode: 0o700 });
    await writeFile(join(dataDir, 'kek'), randomBytes(32), { mode: 0o600 });
    await assert.rejects(loadOrCreateKek({ dataDir }), /two different KEKs: .*two\/kek .* and .*two\.kek/);
  });

  it('reads a KEK file the operator names, never one inside the data directory, and drops a copy left there', async () => {
    const dataDir = join(root, 'named');
    await mkdir(dataDir, { mode: 0o700 });
    const key = randomBytes(32);
    const file = join(root, 'named-credential');
    await writeFile(file, key, { mode: 0o400 });
    await writeFile(join(dataDir, 'kek'), key, { mode: 0o600 });
    const warnings: string[] = [];
    assert.deepEqual(await loadOrCreateKek({ dataDir, file, warn: (m) => warnings.push(m) }), key);
    await assert.rejects(stat(join(dataDir, 'kek')), { code: 'ENOENT' });
    await assert.rejects(stat(`${dataDir}.kek`), { code: 'ENOENT' });
    assert.match(warnings.join('\n'), /removed .*named\/kek: a copy of the configured KEK/);
    await writeFile(join(dataDir, 'inside'), key, { mode: 0o600 });
    await assert.rejects(
      loadOrCreateKek({ dataDir, file: join(dataDir, 'inside') }),
      /refusing KEK file .*inside: it is inside the data directory/,
    );
    await assert.rejects(loadOrCreateKek({ dataDir, file: join(root, 'absent') }), /KEK file .*absent does not exist/);
  });

  it('prefers the environment value and rejects a wrong length', async () => {
    const dataDir = join(root, 'env');
    const key = randomBytes(32);
    assert.deepEqual(await loadOrCreateKek({ dataDir, envValue: key.toString('base64') }), key);
    await assert.rejects(stat(`${dataDir}.kek`), { code: 'ENOENT' });
    await assert.rejects(
      loadOrCreateKek({ dataDir, envValue: randomBytes(16).toString('base64') }),
      /exactly 32 bytes \(got 16/,
    );
    await assert.rejects(loadOrCreateKek({ dataDir, envValue: 'not base64 at all!' }), /base64/);
  });
});
