import 'reflect-metadata';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openHubDatabase } from '../domains/hub-modules.js';
import { loadOrCreateCa } from '../domains/pki/ca.js';
import { kekFingerprint, loadOrCreateKek } from '../domains/pki/kek.js';
import type { Db } from '../storage/database.js';
import { createBackup } from './backup.js';
import { BackupRefused, type BackupManifest } from './manifest.js';
import { restoreBackup } from './restore.js';
import { schemaVersionOf } from '../storage/schema-version.js';
import { readTar, TAR_END, tarHeader, tarPadding } from './tar.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

// Rebuilds an archive from (name, bytes) pairs, so a test can take a real backup apart and change it.
async function entriesOf(path: string): Promise<Array<[string, Buffer]>> {
  const out: Array<[string, Buffer]> = [];
  async function* one(): AsyncGenerator<Buffer> {
    yield gunzipSync(await readFile(path));
  }
  for await (const e of readTar(one())) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    out.push([e.name, Buffer.concat(parts)]);
  }
  return out;
}

async function writeArchive(path: string, entries: Array<[string, Buffer]>): Promise<void> {
  const parts = entries.flatMap(([n, d]) => [tarHeader(n, d.length), d, tarPadding(d.length)]);
  await writeFile(path, gzipSync(Buffer.concat([...parts, TAR_END])));
}

function refusal(code: string, message: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof BackupRefused, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  };
}

describe('hub backup and restore', { timeout: 60_000 }, () => {
  let root: string;
  let dataDir: string;
  let kek: Buffer;
  let db: Db;
  let archive: string;
  let manifest: BackupManifest;
  const artifact = randomBytes(70_000);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'outpost-backup-'));
    dataDir = join(root, 'data');
    db = await openHubDatabase(dataDir);
    kek = await loadOrCreateKek({ dataDir });
    await loadOrCreateCa({ dataDir, kek });
    await mkdir(join(dataDir, 'artifacts', 'tmp'), { recursive: true });
    await writeFile(join(dataDir, 'artifacts', sha(artifact)), artifact);
    await writeFile(join(dataDir, 'artifacts', 'tmp', 'upload.part'), 'half an upload');
    await mkdir(join(dataDir, 'recordings', '2026-12'), { recursive: true });
    await writeFile(join(dataDir, 'recordings', '2026-12', 'acs_1.cast'), '{"version":2}\n');
    await writeFile(join(dataDir, 'pki', 'server.key'), 'unencrypted server key');
    await writeFile(join(dataDir, 'notes.txt'), 'an operator file');
    // Where earlier releases kept the KEK: a backup leaves it out wherever it is.
    await writeFile(join(dataDir, 'kek'), kek, { mode: 0o600 });
    // The database stays open, as the running hub keeps it, with a write in its WAL.
    await db
      .insertInto('users')
      .values({
        id: 'u1',
        username: 'kept',
        password_hash: 'x',
        role: 'admin',
        disabled: 0,
        created_at: '2026-12-01T00:00:00Z',
      })
      .execute();
    archive = join(root, 'backup.tar.gz');
    const r = await createBackup({ dataDir, out: archive, kek, now: new Date('2026-12-07T00:00:00Z') });
    manifest = r.manifest;
    // Nothing but the archive is left beside it (no snapshot, no SQLite side files).
    assert.deepEqual(
      (await readdir(root)).filter((n) => n !== 'data' && n !== 'data.kek'),
      ['backup.tar.gz'],
    );
    assert.deepEqual(
      r.leftOut.map((l) => l.path),
      ['kek', 'notes.txt', 'pki/server.key'],
    );
  });
  after(async () => {
    await db.destroy();
    await rm(root, { recursive: true, force: true });
  });

  it('holds the database, the CA, artifacts and recordings, each with its SHA-256, and never the KEK', async () => {
    const entries = await entriesOf(archive);
    const names = entries.map(([n]) => n);
    assert.deepEqual(names, [
      'outpost-backup/header.json',
      'data/outpost.db',
      'data/artifacts/' + sha(artifact),
      'data/pki/ca.crt',
      'data/pki/ca.key.enc',
      'data/recordings/2026-12/acs_1.cast',
      'outpost-backup/manifest.json',
      'outpost-backup/manifest.hmac',
    ]);
    for (const [, data] of entries) assert.equal(data.indexOf(kek), -1, 'the KEK is nowhere in the archive');
    assert.equal(manifest.kekFingerprint, kekFingerprint(kek));
    assert.equal(manifest.createdAt, '2026-12-07T00:00:00.000Z');
    assert.ok(manifest.migrations.includes('014_storage_hub_versions'));
    assert.equal(manifest.schemaVersion, schemaVersionOf(manifest.migrations));
    assert.ok(manifest.schemaVersion >= 14);
    for (const [name, data] of entries.slice(1, -2))
      assert.equal(manifest.entries.find((e) => e.path === name)?.sha256, sha(data), name);
  });

  it('restores into a new directory: same files, the database with the write that was in the WAL', async () => {
    const target = join(root, 'restored');
    const r = await restoreBackup({ archive, dataDir: target, kek, writeKekFile: true });
    assert.equal(r.files, 5);
    assert.deepEqual(await readFile(join(target, 'artifacts', sha(artifact))), artifact);
    // The KEK goes beside the data directory, never into it.
    assert.equal(existsSync(join(target, 'kek')), false);
    assert.deepEqual(await readFile(`${target}.kek`), kek);
    assert.equal((await stat(`${target}.kek`)).mode & 0o777, 0o600);
    assert.equal((await stat(target)).mode & 0o777, 0o700);
    for (const f of ['outpost.db', 'pki/ca.crt', `artifacts/${sha(artifact)}`])
      assert.equal((await stat(join(target, f))).mode & 0o777, 0o600, f);
    assert.equal(existsSync(join(target, 'pki', 'server.key')), false);
    const restored = await openHubDatabase(target);
    try {
      const u = await restored.selectFrom('users').select('username').where('id', '=', 'u1').executeTakeFirst();
      assert.equal(u?.username, 'kept');
    } finally {
      await restored.destroy();
    }
  });

  it('refuses a data directory that is not empty, and changes nothing in it', async () => {
    const target = join(root, 'busy');
    await mkdir(target);
    await writeFile(join(target, 'outpost.db'), 'another hub');
    await assert.rejects(
      restoreBackup({ archive, dataDir: target, kek, writeKekFile: true }),
      refusal('target_not_empty', /busy is not empty: restore only into an empty or new data directory/),
    );
    assert.deepEqual(await readdir(target), ['outpost.db']);
  });

  it('refuses a wrong KEK before unpacking, and leaves no directory behind', async () => {
    const target = join(root, 'wrong-kek');
    await assert.rejects(
      restoreBackup({ archive, dataDir: target, kek: randomBytes(32), writeKekFile: true }),
      refusal('wrong_kek', /the backup was taken under [0-9a-f]{16}…: give the KEK of the hub that took it/),
    );
    assert.equal(existsSync(target), false);
  });

  it('refuses an archive whose bytes were damaged', async () => {
    const damaged = join(root, 'damaged.tar.gz');
    const bytes = await readFile(archive);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    await writeFile(damaged, bytes);
    await assert.rejects(
      restoreBackup({ archive: damaged, dataDir: join(root, 'd1'), kek, writeKekFile: false }),
      refusal('corrupt_archive', /./),
    );
    assert.equal(existsSync(join(root, 'd1')), false);
  });

  it('refuses an entry changed inside a well-formed archive (its hash no longer matches)', async () => {
    const entries = await entriesOf(archive);
    const ca = entries.find(([n]) => n === 'data/pki/ca.crt')!;
    ca[1] = Buffer.from(ca[1].toString().replace('A', 'B'));
    const forged = join(root, 'forged.tar.gz');
    await writeArchive(forged, entries);
    await assert.rejects(
      restoreBackup({ archive: forged, dataDir: join(root, 'd2'), kek, writeKekFile: false }),
      refusal('corrupt_archive', /entry data\/pki\/ca.crt does not match its SHA-256 in the manifest/),
    );
  });

  it('refuses an archive with an entry missing, added or foreign, or cut before its manifest or its MAC', async () => {
    const entries = await entriesOf(archive);
    const data = entries.slice(0, -2);
    const tail = entries.slice(-2);
    const cases: Array<[string, Array<[string, Buffer]>, RegExp]> = [
      [
        'missing',
        [...data.filter(([n]) => !n.startsWith('data/recordings/')), ...tail],
        /holds 4 entries, its manifest lists 5/,
      ],
      ['added', [...data, ['data/pki/extra', Buffer.from('x')], ...tail], /holds 6 entries/],
      [
        'foreign',
        [...data, ['data/kek', randomBytes(32)], ...tail],
        /entry data\/kek is not a file a hub backup holds/,
      ],
      ['cut', data, /the archive ends before its manifest$/],
      ['unauthenticated', entries.slice(0, -1), /the archive ends before its manifest is authenticated/],
    ];
    for (const [name, list, message] of cases) {
      const path = join(root, `${name}.tar.gz`);
      await writeArchive(path, list);
      await assert.rejects(
        restoreBackup({ archive: path, dataDir: join(root, `d-${name}`), kek, writeKekFile: false }),
        refusal('corrupt_archive', message),
      );
    }
  });

  it('refuses an archive altered with its manifest rewritten to match: the MAC needs the KEK', async () => {
    const entries = await entriesOf(archive);
    const ca = entries.find(([n]) => n === 'data/pki/ca.crt')!;
    ca[1] = Buffer.from(ca[1].toString().replace('A', 'B'));
    const m = JSON.parse(entries.at(-2)![1].toString()) as BackupManifest;
    m.entries.find((e) => e.path === 'data/pki/ca.crt')!.sha256 = sha(ca[1]);
    entries[entries.length - 2][1] = Buffer.from(JSON.stringify(m, null, 2));
    const path = join(root, 'rewritten.tar.gz');
    await writeArchive(path, entries);
    await assert.rejects(
      restoreBackup({ archive: path, dataDir: join(root, 'd6'), kek, writeKekFile: false }),
      refusal('corrupt_archive', /does not carry the authentication code of this KEK/),
    );
  });

  it('refuses a backup taken by a hub with a newer schema, naming both versions', async () => {
    const entries = await entriesOf(archive);
    const header = JSON.parse(entries[0][1].toString());
    const newer = { ...header, hubVersion: '9.0.0', schemaVersion: 99, migrations: [...header.migrations, '099_x_y'] };
    entries[0][1] = Buffer.from(JSON.stringify(newer));
    const path = join(root, 'newer.tar.gz');
    await writeArchive(path, entries);
    await assert.rejects(
      restoreBackup({ archive: path, dataDir: join(root, 'd3'), kek, writeKekFile: false }),
      refusal(
        'schema_too_new',
        /taken by Outpost hub 9\.0\.0 \(schema 99\); this is hub \S+ \(schema \d+\), which does not know migration\(s\) 099_x_y/,
      ),
    );
  });

  it('refuses a file that is not a hub backup', async () => {
    const path = join(root, 'other.tar.gz');
    await writeArchive(path, [['README', Buffer.from('hello')]]);
    await assert.rejects(
      restoreBackup({ archive: path, dataDir: join(root, 'd4'), kek, writeKekFile: false }),
      refusal('unsupported_format', /not an Outpost hub backup/),
    );
    const plain = join(root, 'plain.txt');
    await writeFile(plain, 'not even gzip');
    await assert.rejects(
      restoreBackup({ archive: plain, dataDir: join(root, 'd5'), kek, writeKekFile: false }),
      refusal('corrupt_archive', /incorrect header check/),
    );
  });

  it('refuses to back up with a KEK that does not open the CA key', async () => {
    await assert.rejects(
      createBackup({ dataDir, out: join(root, 'never.tar.gz'), kek: randomBytes(32), now: new Date() }),
      refusal('wrong_kek', /does not open .*ca\.key\.enc/),
    );
    assert.equal(existsSync(join(root, 'never.tar.gz')), false);
  });
});
