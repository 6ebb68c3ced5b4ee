// Key-encryption key (KEK) that protects private keys at rest.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { assertKek, KEK_BYTES } from '../../platform/kek-seal.js';

export interface KekOptions {
  dataDir: string;
  /** Base64 of 32 bytes, typically from OUTPOST_KEK; overrides every file. */
  envValue?: string;
  /** A KEK file the operator names (OUTPOST_KEK_FILE, e.g. a systemd credential); never created. */
  file?: string;
  /** Told what the operator should know: where the KEK is, what was moved. */
  warn?: (message: string) => void;
}

/**
 * Where the hub keeps its KEK when neither OUTPOST_KEK nor OUTPOST_KEK_FILE names one: a file beside
 * the data directory (`/var/lib/outpost` → `/var/lib/outpost.kek`), so a copy of the directory
 * alone never holds the key that opens its CA key.
 */
export function defaultKekPath(dataDir: string): string {
  return `${resolve(dataDir).replace(/\/+$/, '')}.kek`;
}

/** Where earlier releases kept the KEK: inside the data directory. Moved out on start. */
export function legacyKekPath(dataDir: string): string {
  return join(dataDir, 'kek');
}

/**
 * Returns the KEK from `envValue`, else from `file`, else from the file beside the data directory,
 * creating that one (mode 0600) on first start. A KEK found inside the data directory is moved out.
 */
export async function loadOrCreateKek(o: KekOptions): Promise<Buffer> {
  const configured = await configuredKek(o);
  if (configured) {
    await dropLegacyCopy(o, configured);
    return configured;
  }
  const path = defaultKekPath(o.dataDir);
  await moveLegacyKek(o, path);
  o.warn?.(
    `the KEK is in ${path}, beside the data directory: whoever copies both can open the CA key. ` +
      'Keep it elsewhere with OUTPOST_KEK_FILE (a root-owned file, a systemd credential) or OUTPOST_KEK (docs/OPERATIONS.md)',
  );
  const existing = await readKekFile(path);
  if (existing) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const kek = randomBytes(KEK_BYTES);
  try {
    await writeFile(path, kek, { mode: 0o600, flag: 'wx' });
    return kek;
  } catch (err) {
    // Another process created it between our read and write: use theirs.
    if (isErrno(err, 'EEXIST')) {
      const raced = await readKekFile(path);
      if (raced) return raced;
    }
    throw err;
  }
}

/** The KEK the hub would use, or null when none exists yet; never creates or moves a key. */
export async function readKek(o: KekOptions): Promise<Buffer | null> {
  return (
    (await configuredKek(o)) ??
    (await readKekFile(defaultKekPath(o.dataDir))) ??
    (await readKekFile(legacyKekPath(o.dataDir)))
  );
}

async function configuredKek(o: KekOptions): Promise<Buffer | null> {
  if (o.envValue !== undefined && o.envValue.trim() !== '') return parseEnvKek(o.envValue.trim());
  if (o.file === undefined || o.file === '') return null;
  const rel = relative(resolve(o.dataDir), resolve(o.file));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    throw new Error(`refusing KEK file ${o.file}: it is inside the data directory ${o.dataDir}; keep it outside`);
  return readKekFromFile(o.file);
}

/** A copy of the configured KEK left inside the data directory by an earlier release goes. */
async function dropLegacyCopy(o: KekOptions, kek: Buffer): Promise<void> {
  const legacy = legacyKekPath(o.dataDir);
  const found = await readKekFile(legacy).catch(() => null);
  if (!found) return;
  if (found.equals(kek)) {
    await unlink(legacy);
    o.warn?.(`removed ${legacy}: a copy of the configured KEK inside the data directory`);
  } else
    o.warn?.(`${legacy} holds a key other than the configured KEK: remove it from the data directory after checking`);
}

/** Moves a KEK an earlier release kept inside the data directory to the file beside it. */
async function moveLegacyKek(o: KekOptions, to: string): Promise<void> {
  const legacy = legacyKekPath(o.dataDir);
  const found = await readKekFile(legacy);
  if (!found) return;
  const there = await readKekFile(to);
  if (there && !there.equals(found))
    throw new Error(
      `two different KEKs: ${legacy} (inside the data directory) and ${to}; keep the one that opens pki/ca.key.enc and remove the other`,
    );
  if (!there) await writeFile(to, found, { mode: 0o600, flag: 'wx' });
  await unlink(legacy);
  o.warn?.(`moved the KEK out of the data directory: ${legacy} → ${to}`);
}

/** A KEK read from a file an operator names (restore); the same checks as the hub's own file. */
export async function readKekFromFile(path: string): Promise<Buffer> {
  const key = await readKekFile(path);
  if (!key) throw new Error(`KEK file ${path} does not exist`);
  return key;
}

/**
 * Names a KEK without revealing it: HMAC-SHA256 keyed by the KEK over a fixed label, lowercase hex.
 * A backup records it so a restore can tell the right key from a wrong one before using either.
 */
export function kekFingerprint(kek: Buffer): string {
  assertKek(kek);
  return createHmac('sha256', kek).update('outpost kek fingerprint v1').digest('hex');
}

/** A KEK given as base64 of 32 bytes (OUTPOST_KEK). */
export function parseEnvKek(value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || key.length !== KEK_BYTES) {
    throw new Error(`KEK from environment must be base64 of exactly ${KEK_BYTES} bytes (got ${key.length} bytes)`);
  }
  return key;
}

async function readKekFile(path: string): Promise<Buffer | null> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
  // POSIX permission bits are not meaningful on Windows.
  if (process.platform !== 'win32' && (mode & 0o777 & ~0o600) !== 0) {
    const shown = (mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(
      `refusing to use KEK file ${path}: mode ${shown} is more permissive than 0600 (run: chmod 600 ${path})`,
    );
  }
  const key = await readFile(path);
  if (key.length !== KEK_BYTES) {
    throw new Error(`KEK file ${path} must hold exactly ${KEK_BYTES} bytes (found ${key.length})`);
  }
  return key;
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
