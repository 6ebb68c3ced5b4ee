// Key-encryption key (KEK) that protects private keys at rest.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const KEK_BYTES = 32; // AES-256 key size
const IV_BYTES = 12; // 96-bit IV, the size recommended for GCM (NIST SP 800-38D §8.2)
const TAG_BYTES = 16; // full 128-bit GCM authentication tag
const BLOB_VERSION = 1;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

export interface KekOptions {
  dataDir: string;
  /** Base64 of 32 bytes, typically from OUTPOST_KEK; overrides the file. */
  envValue?: string;
}

/** Returns the KEK from `envValue`, else `${dataDir}/kek`, creating it (mode 0600) on first start. */
export async function loadOrCreateKek({ dataDir, envValue }: KekOptions): Promise<Buffer> {
  if (envValue !== undefined && envValue.trim() !== '') return parseEnvKek(envValue.trim());
  const path = join(dataDir, 'kek');
  const existing = await readKekFile(path);
  if (existing) return existing;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
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

/** The KEK from `envValue`, else `${dataDir}/kek`, or null when neither holds one; never creates a key. */
export async function readKek({ dataDir, envValue }: KekOptions): Promise<Buffer | null> {
  if (envValue !== undefined && envValue.trim() !== '') return parseEnvKek(envValue.trim());
  return readKekFile(join(dataDir, 'kek'));
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

/** AES-256-GCM; blob = version(1) | iv(12) | tag(16) | ciphertext. `aad` binds the blob to its purpose. */
export function encryptWithKek(kek: Buffer, plaintext: Buffer, aad: string): Buffer {
  assertKek(kek);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([BLOB_VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

/** Inverse of `encryptWithKek`; throws if the key, the AAD or any byte of the blob is wrong. */
export function decryptWithKek(kek: Buffer, blob: Buffer, aad: string): Buffer {
  assertKek(kek);
  if (blob.length < HEADER_BYTES) throw new Error('KEK decryption failed: encrypted blob is truncated');
  if (blob[0] !== BLOB_VERSION) throw new Error(`KEK decryption failed: unsupported blob version ${blob[0]}`);
  const iv = blob.subarray(1, 1 + IV_BYTES);
  const tag = blob.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]);
  } catch {
    throw new Error('KEK decryption failed: wrong key-encryption key or tampered data');
  }
}

function assertKek(kek: Buffer): void {
  if (kek.length !== KEK_BYTES) throw new Error(`KEK must be ${KEK_BYTES} bytes (got ${kek.length})`);
}

function isErrno(err: unknown, code: string): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === code;
}
