// Sealing secrets at rest under the hub's key-encryption key (KEK): every domain that keeps a
// secret in its tables or data directory seals it here; the PKI domain loads the KEK itself.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const KEK_BYTES = 32; // AES-256 key size
const IV_BYTES = 12; // 96-bit IV, the size recommended for GCM (NIST SP 800-38D §8.2)
const TAG_BYTES = 16; // full 128-bit GCM authentication tag
const BLOB_VERSION = 1;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;

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

/** Throws unless `kek` is a key of the KEK's size. */
export function assertKek(kek: Buffer): void {
  if (kek.length !== KEK_BYTES) throw new Error(`KEK must be ${KEK_BYTES} bytes (got ${kek.length})`);
}
