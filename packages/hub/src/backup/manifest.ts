import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Migration } from 'kysely';
import { schemaVersionOf } from '../storage/schema-version.js';

// What a hub backup says about itself. The archive opens with a header (everything but the entry
// list) so a restore refuses a wrong key or a newer schema before it unpacks anything, and ends
// with the manifest (the header again plus the SHA-256 of every entry), written once every entry
// has been hashed on its way into the archive. The KEK itself is never in a backup: only its
// fingerprint (pki/kek.ts kekFingerprint), which a restore compares with the key it is given.

export const BACKUP_FORMAT = 'outpost-hub-backup';
export const BACKUP_FORMAT_VERSION = 1;
export const HEADER_ENTRY = 'outpost-backup/header.json';
export const MANIFEST_ENTRY = 'outpost-backup/manifest.json';
/** HMAC-SHA256 of the manifest's bytes under a key derived from the KEK: only the KEK's holder makes one. */
export const MAC_ENTRY = 'outpost-backup/manifest.hmac';
/** Every file of the data directory sits under this folder in the archive. */
export const DATA_PREFIX = 'data/';
export const DATABASE_ENTRY = 'data/outpost.db';
// Bounds on what a restore reads into memory: a header is a few hundred bytes; a manifest line
// is about 150 bytes, so 64 MiB holds some 400,000 entries.
export const HEADER_MAX_BYTES = 64 * 1024;
export const MANIFEST_MAX_BYTES = 64 * 1024 * 1024;
export const MAX_ENTRIES = 400_000;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  hubVersion: string;
  schemaVersion: number;
  /** Every migration applied to the database in the archive. */
  migrations: string[];
  kekFingerprint: string;
}

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface BackupManifest extends BackupHeader {
  entries: ManifestEntry[];
}

/** Why a backup cannot be restored; `code` is stable, the message says what to do. */
/**
 * A backup archive holds the embedded SQLite database. A hub whose database is on PostgreSQL
 * (OUTPOST_DATABASE_URL) backs it up with PostgreSQL's own tools: backup and restore refuse.
 */
export function refuseOnPostgres(databaseUrl: string | undefined, what: 'backup' | 'restore'): void {
  if (!databaseUrl) return;
  throw new BackupRefused(
    'database_on_postgres',
    what === 'backup'
      ? 'the hub database is on PostgreSQL (OUTPOST_DATABASE_URL): `outpost hub backup` copies only the embedded SQLite database; back the database up with pg_dump (pg_dump -Fc -f outpost.dump "$OUTPOST_DATABASE_URL") and the data directory (keys, artifacts, recordings) with a file backup, as docs/POSTGRESQL.md describes'
      : 'OUTPOST_DATABASE_URL is set: a backup archive restores an embedded SQLite database that a hub on PostgreSQL would not use; restore the database with pg_restore and the data directory from its file backup, as docs/POSTGRESQL.md describes',
  );
}

export class BackupRefused extends Error {
  constructor(
    readonly code:
      | 'corrupt_archive'
      | 'unsupported_format'
      | 'schema_too_new'
      | 'wrong_kek'
      | 'kek_required'
      | 'target_not_empty'
      | 'no_database'
      | 'database_on_postgres',
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'BackupRefused';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// The manifest lists every entry's SHA-256, but anyone can recompute hashes; the KEK fingerprint
// in the header is public too. The MAC binds the manifest (and through it every entry and the
// header it repeats) to the KEK, so a restore takes only an archive made by a holder of the key.
function macKey(kek: Buffer): Buffer {
  return createHmac('sha256', kek).update('outpost backup manifest key v1').digest();
}

export function manifestMac(kek: Buffer, manifest: Buffer): string {
  return createHmac('sha256', macKey(kek)).update(manifest).digest('hex');
}

/** Refuses a manifest whose MAC is not the one the KEK gives. */
export function checkManifestMac(kek: Buffer, manifest: Buffer, mac: string): void {
  const want = Buffer.from(manifestMac(kek, manifest), 'hex');
  const got = Buffer.from(/^[0-9a-f]{64}$/.test(mac.trim()) ? mac.trim() : '', 'hex');
  if (got.length !== want.length || !timingSafeEqual(got, want))
    throw new BackupRefused(
      'corrupt_archive',
      'the manifest does not carry the authentication code of this KEK: the archive was altered after it was written',
    );
}

/** Parses and checks the shape of a header; throws corrupt_archive or unsupported_format. */
export function parseHeader(text: string): BackupHeader {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new BackupRefused('corrupt_archive', 'the backup header is not JSON');
  }
  if (!isObject(v) || v.format !== BACKUP_FORMAT)
    throw new BackupRefused('unsupported_format', 'this file is not an Outpost hub backup');
  if (v.formatVersion !== BACKUP_FORMAT_VERSION)
    throw new BackupRefused(
      'unsupported_format',
      `backup format version ${String(v.formatVersion)}; this hub reads version ${BACKUP_FORMAT_VERSION}`,
    );
  const ok =
    typeof v.createdAt === 'string' &&
    typeof v.hubVersion === 'string' &&
    Number.isInteger(v.schemaVersion) &&
    Array.isArray(v.migrations) &&
    v.migrations.every((m) => typeof m === 'string') &&
    typeof v.kekFingerprint === 'string' &&
    /^[0-9a-f]{64}$/.test(v.kekFingerprint);
  if (!ok) throw new BackupRefused('corrupt_archive', 'the backup header lacks a field or has one of the wrong type');
  const { format, formatVersion, createdAt, hubVersion, schemaVersion, migrations, kekFingerprint } =
    v as unknown as BackupHeader;
  return { format, formatVersion, createdAt, hubVersion, schemaVersion, migrations, kekFingerprint };
}

/** Parses a manifest: a header's fields plus a well-formed entry list. */
export function parseManifest(text: string): BackupManifest {
  const header = parseHeader(text);
  const v = JSON.parse(text) as { entries?: unknown };
  if (!Array.isArray(v.entries) || v.entries.length > MAX_ENTRIES)
    throw new BackupRefused('corrupt_archive', 'the backup manifest has no valid entry list');
  const entries = v.entries.map((e: unknown) => {
    if (
      !isObject(e) ||
      typeof e.path !== 'string' ||
      !Number.isSafeInteger(e.size) ||
      typeof e.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(e.sha256)
    )
      throw new BackupRefused('corrupt_archive', 'a backup manifest entry is malformed');
    return { path: e.path, size: e.size as number, sha256: e.sha256 };
  });
  return { ...header, entries };
}

/** Refuses a backup whose database holds a migration the restoring hub does not ship. */
export function checkSchema(header: BackupHeader, known: Record<string, Migration>, hubVersion: string): void {
  const unknown = header.migrations.filter((m) => !(m in known));
  if (unknown.length === 0) return;
  throw new BackupRefused(
    'schema_too_new',
    `the backup was taken by Outpost hub ${header.hubVersion} (schema ${header.schemaVersion}); this is hub ` +
      `${hubVersion} (schema ${schemaVersionOf(Object.keys(known))}), which does not know migration(s) ` +
      `${unknown.join(', ')}: restore it with hub ${header.hubVersion} or later`,
  );
}

/** Refuses a KEK other than the one the backup was taken under. */
export function checkKek(header: BackupHeader, fingerprint: string): void {
  if (fingerprint === header.kekFingerprint) return;
  throw new BackupRefused(
    'wrong_kek',
    `the key-encryption key given has fingerprint ${fingerprint.slice(0, 16)}…, the backup was taken under ` +
      `${header.kekFingerprint.slice(0, 16)}…: give the KEK of the hub that took it (--kek-file or OUTPOST_KEK)`,
  );
}

/** The manifest must repeat the header and list exactly the entries read, with the same hashes. */
export function checkManifest(header: BackupHeader, manifest: BackupManifest, read: ManifestEntry[]): void {
  const same = (a: BackupHeader) =>
    JSON.stringify([a.createdAt, a.hubVersion, a.schemaVersion, a.migrations, a.kekFingerprint]);
  if (same(header) !== same(manifest))
    throw new BackupRefused('corrupt_archive', 'the manifest does not match the backup header');
  const listed = new Map(manifest.entries.map((e) => [e.path, e]));
  if (listed.size !== manifest.entries.length)
    throw new BackupRefused('corrupt_archive', 'the manifest lists an entry twice');
  if (read.length !== listed.size)
    throw new BackupRefused(
      'corrupt_archive',
      `the archive holds ${read.length} entries, its manifest lists ${listed.size}`,
    );
  for (const r of read) {
    const m = listed.get(r.path);
    if (!m) throw new BackupRefused('corrupt_archive', `entry ${r.path} is not in the manifest`);
    if (m.size !== r.size || m.sha256 !== r.sha256)
      throw new BackupRefused('corrupt_archive', `entry ${r.path} does not match its SHA-256 in the manifest`);
  }
  if (!listed.has(DATABASE_ENTRY)) throw new BackupRefused('no_database', 'the backup holds no database');
}
