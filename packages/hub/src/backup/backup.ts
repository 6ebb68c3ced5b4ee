import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import BetterSqlite3 from 'better-sqlite3';
import { hubMigrations } from '../domains/hub-modules.js';
import { caKeyOpensWith } from '../domains/pki/ca.js';
import { kekFingerprint } from '../domains/pki/kek.js';
import { schemaVersionOf } from '../storage/schema-version.js';
import { HUB_VERSION } from '../platform/version.js';
import { listDataFiles } from './data-files.js';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupRefused,
  checkSchema,
  DATA_PREFIX,
  DATABASE_ENTRY,
  HEADER_ENTRY,
  refuseOnPostgres,
  MAC_ENTRY,
  MANIFEST_ENTRY,
  manifestMac,
  type BackupHeader,
  type BackupManifest,
  type ManifestEntry,
} from './manifest.js';
import { TAR_END, tarHeader, tarPadding } from './tar.js';

export interface BackupOptions {
  dataDir: string;
  /** The hub's database setting: a PostgreSQL database is refused (pg_dump backs it up). */
  databaseUrl?: string;
  /** The archive to write (.tar.gz); written under a temporary name and renamed when whole. */
  out: string;
  /** The hub's KEK: only its fingerprint goes into the archive. */
  kek: Buffer;
  now: Date;
  /** gzip level, 1 (fast) to 9 (small). */
  level?: number;
}

export interface BackupResult {
  manifest: BackupManifest;
  bytes: number;
  leftOut: Array<{ path: string; reason: string }>;
  /** Files listed at the start that were gone when their turn came (deleted by the hub meanwhile). */
  vanished: string[];
}

// One backup step copies every page: the copy then runs inside one read transaction, which WAL
// lets the hub's writers work beside. With small steps every write of the hub between two steps
// would restart the copy (SQLite backup API, sqlite3_backup_step), and a busy hub might never let
// it finish.
const ALL_PAGES = 2 ** 30;

/** Copies the live database into `to` through SQLite's online backup API; returns its migrations. */
export async function snapshotDatabase(dataDir: string, to: string): Promise<string[]> {
  const path = join(dataDir, 'outpost.db');
  if (!existsSync(path)) throw new BackupRefused('no_database', `${dataDir} holds no hub database (outpost.db)`);
  // Created empty first, owner-only: SQLite writes into it and its journal takes the same mode,
  // so the copy is never readable by others, even while it is written.
  await writeFile(to, '', { mode: 0o600, flag: 'wx' });
  const source = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  try {
    source.pragma('busy_timeout = 10000');
    await source.backup(to, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  const copy = new BetterSqlite3(to, { readonly: true });
  try {
    const ok = copy.pragma('quick_check', { simple: true });
    if (ok !== 'ok') throw new Error(`the database snapshot fails SQLite's quick_check: ${String(ok)}`);
    const rows = copy.prepare('select name from kysely_migration order by name').all() as Array<{ name: string }>;
    return rows.map((r) => r.name);
  } finally {
    copy.close();
  }
}

// A gzip stream into a file, written with backpressure.
function archiveWriter(path: string, level: number) {
  const gz: Gzip = createGzip({ level });
  const done = pipeline(gz, createWriteStream(path, { mode: 0o600 }));
  let failed: unknown = null;
  done.catch((err: unknown) => (failed = err));
  async function write(chunk: Buffer): Promise<void> {
    if (failed) throw failed;
    if (!gz.write(chunk)) await Promise.race([once(gz, 'drain'), done]);
  }
  async function end(): Promise<void> {
    gz.end();
    await done;
  }
  return { write, end, abort: () => gz.destroy() };
}

/** Writes a consistent backup of a hub's data directory, which the hub may be using meanwhile. */
export async function createBackup(o: BackupOptions): Promise<BackupResult> {
  refuseOnPostgres(o.databaseUrl, 'backup');
  if (!(await caKeyOpensWith(o.dataDir, o.kek)))
    throw new BackupRefused('wrong_kek', `the KEK given does not open ${join(o.dataDir, 'pki', 'ca.key.enc')}`);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const dbCopy = join(dirname(o.out), `.outpost-backup-db-${suffix}`);
  const partial = `${o.out}.tmp-${suffix}`;
  const writer = archiveWriter(partial, o.level ?? 6);
  try {
    const migrations = await snapshotDatabase(o.dataDir, dbCopy);
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: o.now.toISOString(),
      hubVersion: HUB_VERSION,
      schemaVersion: schemaVersionOf(migrations),
      migrations,
      kekFingerprint: kekFingerprint(o.kek),
    };
    // A backup this command could not restore is no backup.
    checkSchema(header, hubMigrations(), HUB_VERSION);
    const { files, leftOut } = await listDataFiles(o.dataDir);
    const entries: ManifestEntry[] = [];
    const vanished: string[] = [];
    await writeBufferEntry(writer, HEADER_ENTRY, Buffer.from(JSON.stringify(header, null, 2)), o.now);
    entries.push(await writeFileEntry(writer, DATABASE_ENTRY, dbCopy, o.now));
    for (const rel of files) {
      const e = await writeFileEntry(writer, DATA_PREFIX + rel, join(o.dataDir, rel), o.now).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      });
      if (e) entries.push(e);
      else vanished.push(rel);
    }
    const manifest: BackupManifest = { ...header, entries };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    await writeBufferEntry(writer, MANIFEST_ENTRY, manifestBytes, o.now);
    await writeBufferEntry(writer, MAC_ENTRY, Buffer.from(manifestMac(o.kek, manifestBytes)), o.now);
    await writer.write(TAR_END);
    await writer.end();
    await rename(partial, o.out);
    return { manifest, bytes: (await stat(o.out)).size, leftOut, vanished };
  } catch (err) {
    writer.abort();
    await rm(partial, { force: true });
    throw err;
  } finally {
    // The copy and the files SQLite keeps beside it while reading it (it is in WAL mode, as the hub's).
    for (const suffix of ['', '-wal', '-shm', '-journal']) await rm(dbCopy + suffix, { force: true });
  }
}

type Writer = ReturnType<typeof archiveWriter>;

async function writeBufferEntry(w: Writer, name: string, data: Buffer, now: Date): Promise<void> {
  await w.write(tarHeader(name, data.length, { mtimeS: now.getTime() / 1000 }));
  await w.write(data);
  await w.write(tarPadding(data.length));
}

// Copies exactly the size the file had when its header was written, hashing on the way; a file
// that grows meanwhile (a recording still being written) is cut at that size, one that shrinks
// fails the backup.
async function writeFileEntry(w: Writer, name: string, path: string, now: Date): Promise<ManifestEntry> {
  // Opened before anything is written: a file deleted meanwhile fails here (ENOENT), not mid-entry.
  const fh = await open(path, 'r');
  let copied = 0;
  let size: number;
  const hash = createHash('sha256');
  try {
    const st = await fh.stat();
    size = st.size;
    await w.write(tarHeader(name, size, { mode: st.mode & 0o777, mtimeS: now.getTime() / 1000 }));
    if (size > 0) {
      const body = fh.createReadStream({ start: 0, end: size - 1, autoClose: false }) as AsyncIterable<Buffer>;
      for await (const chunk of body) {
        hash.update(chunk);
        copied += chunk.length;
        await w.write(chunk);
      }
    }
  } finally {
    await fh.close();
  }
  if (copied !== size) throw new Error(`${path} shrank while it was being backed up (${copied} of ${size} bytes)`);
  await w.write(tarPadding(size));
  return { path: name, size, sha256: hash.digest('hex') };
}
