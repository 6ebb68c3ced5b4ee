import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { createGunzip } from 'node:zlib';
import { hubMigrations } from '../domains/hub-modules.js';
import { defaultKekPath, kekFingerprint } from '../domains/pki/kek.js';
import { HUB_VERSION } from '../platform/version.js';
import {
  BackupRefused,
  checkKek,
  checkManifest,
  checkManifestMac,
  checkSchema,
  DATA_PREFIX,
  HEADER_ENTRY,
  HEADER_MAX_BYTES,
  MAC_ENTRY,
  MANIFEST_ENTRY,
  MANIFEST_MAX_BYTES,
  MAX_ENTRIES,
  parseHeader,
  parseManifest,
  refuseOnPostgres,
  type BackupHeader,
  type BackupManifest,
  type ManifestEntry,
} from './manifest.js';
import { readTar, TarError, type TarEntry } from './tar.js';
import { isBackedUpPath } from './data-files.js';

export interface RestoreOptions {
  archive: string;
  /** Must be empty or not exist. */
  dataDir: string;
  /** The database setting the restored hub would run with: PostgreSQL is refused (pg_restore). */
  databaseUrl?: string;
  /** The KEK of the hub that took the backup. */
  kek: Buffer;
  /**
   * Write the KEK to `<dataDir>.kek` beside the data directory (0600), where the hub looks for it
   * when neither OUTPOST_KEK nor OUTPOST_KEK_FILE is set.
   */
  writeKekFile: boolean;
}

export interface RestoreResult {
  manifest: BackupManifest;
  files: number;
  bytes: number;
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}

async function readSmall(e: TarEntry, max: number): Promise<string> {
  if (e.size > max) throw new BackupRefused('corrupt_archive', `${e.name} is larger than ${max} bytes`);
  const parts: Buffer[] = [];
  for await (const c of e.body) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

async function extract(e: TarEntry, to: string): Promise<ManifestEntry> {
  await mkdir(dirname(to), { recursive: true, mode: 0o700 });
  const hash = createHash('sha256');
  // Every file of a data directory is the hub user's alone, whatever mode the archive recorded.
  const out = createWriteStream(to, { mode: 0o600, flags: 'wx' });
  try {
    for await (const chunk of e.body) {
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { path: e.name, size: e.size, sha256: hash.digest('hex') };
}

// Reads the archive into `staging`: header first (format, schema, KEK, before anything is
// unpacked), then the data entries (hashed on the way), then the manifest and its MAC under the
// KEK; the manifest must be authentic and list exactly the entries read, with their hashes.
async function unpack(o: RestoreOptions, staging: string): Promise<RestoreResult> {
  const file = createReadStream(o.archive);
  const gunzip = createGunzip();
  try {
    return await unpackFrom(readTar(file.pipe(gunzip)), o, staging);
  } finally {
    file.destroy();
    gunzip.destroy();
  }
}

async function unpackFrom(entries: AsyncGenerator<TarEntry>, o: RestoreOptions, staging: string) {
  const names = new Set<string>();
  let header: BackupHeader | null = null;
  let manifest: BackupManifest | null = null;
  let manifestBytes: Buffer | null = null;
  let mac: string | null = null;
  const read: ManifestEntry[] = [];
  let bytes = 0;
  for await (const e of entries) {
    if (mac !== null) throw new BackupRefused('corrupt_archive', `entry ${e.name} follows the manifest`);
    if (manifest && e.name !== MAC_ENTRY)
      throw new BackupRefused('corrupt_archive', `entry ${e.name} follows the manifest`);
    if (!header) {
      if (e.name !== HEADER_ENTRY)
        throw new BackupRefused('unsupported_format', 'this file is not an Outpost hub backup (no header first)');
      header = parseHeader(await readSmall(e, HEADER_MAX_BYTES));
      checkSchema(header, hubMigrations(), HUB_VERSION);
      checkKek(header, kekFingerprint(o.kek));
    } else if (e.name === MANIFEST_ENTRY) {
      manifestBytes = Buffer.from(await readSmall(e, MANIFEST_MAX_BYTES));
      manifest = parseManifest(manifestBytes.toString('utf8'));
    } else if (e.name === MAC_ENTRY && manifest) {
      mac = await readSmall(e, 128);
    } else if (e.name.startsWith(DATA_PREFIX)) {
      if (!isBackedUpPath(e.name.slice(DATA_PREFIX.length)))
        throw new BackupRefused('corrupt_archive', `entry ${e.name} is not a file a hub backup holds`);
      if (read.length >= MAX_ENTRIES) throw new BackupRefused('corrupt_archive', `more than ${MAX_ENTRIES} entries`);
      if (names.has(e.name)) throw new BackupRefused('corrupt_archive', `entry ${e.name} appears twice`);
      names.add(e.name);
      read.push(await extract(e, join(staging, e.name.slice(DATA_PREFIX.length))));
      bytes += e.size;
    } else throw new BackupRefused('corrupt_archive', `unexpected entry ${e.name}`);
  }
  if (!header) throw new BackupRefused('corrupt_archive', 'the archive is empty');
  if (!manifest || !manifestBytes) throw new BackupRefused('corrupt_archive', 'the archive ends before its manifest');
  if (mac === null) throw new BackupRefused('corrupt_archive', 'the archive ends before its manifest is authenticated');
  checkManifestMac(o.kek, manifestBytes, mac);
  checkManifest(header, manifest, read);
  return { manifest, files: read.length, bytes };
}

function asRefusal(err: unknown): unknown {
  if (err instanceof BackupRefused) return err;
  if (err instanceof TarError) return new BackupRefused('corrupt_archive', err.message);
  const code = (err as NodeJS.ErrnoException).code;
  // zlib: a damaged or cut gzip stream; EEXIST: the same path twice (opened with 'wx');
  // ENOTDIR, EISDIR: one path both a file and a folder.
  if (typeof code === 'string' && (code.startsWith('Z_') || ['EEXIST', 'ENOTDIR', 'EISDIR'].includes(code)))
    return new BackupRefused('corrupt_archive', (err as Error).message);
  return err;
}

/** Restores a backup into an empty data directory; on any refusal the directory is left as it was. */
export async function restoreBackup(o: RestoreOptions): Promise<RestoreResult> {
  refuseOnPostgres(o.databaseUrl, 'restore');
  if (!(await isEmptyOrMissing(o.dataDir)))
    throw new BackupRefused(
      'target_not_empty',
      `${o.dataDir} is not empty: restore only into an empty or new data directory`,
    );
  const kekPath = defaultKekPath(o.dataDir);
  const kekThere = o.writeKekFile ? await readFile(kekPath).catch(() => null) : null;
  if (kekThere && !kekThere.equals(o.kek))
    throw new BackupRefused('target_not_empty', `${kekPath} already holds another key: remove it or restore elsewhere`);
  const created = (await mkdir(o.dataDir, { recursive: true, mode: 0o700 })) !== undefined;
  // The hub refuses a data directory others can read: an empty one given here becomes private.
  await chmod(o.dataDir, 0o700);
  const staging = join(o.dataDir, `.restore-${randomBytes(6).toString('hex')}`);
  await mkdir(staging, { mode: 0o700 });
  try {
    const result = await unpack(o, staging);
    for (const name of await readdir(staging)) await rename(join(staging, name), join(o.dataDir, name));
    await rm(staging, { recursive: true });
    if (o.writeKekFile && !kekThere) await writeFile(kekPath, o.kek, { mode: 0o600, flag: 'wx' });
    return result;
  } catch (err) {
    await rm(created ? o.dataDir : staging, { recursive: true, force: true });
    throw asRefusal(err);
  }
}
