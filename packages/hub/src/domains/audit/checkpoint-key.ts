import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keyIdOf } from '@outpost/protocol/node';
import { writeAtomic } from '../../platform/atomic-write.js';
import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';

// Binds the sealed blob to its purpose, so another KEK-sealed key cannot be swapped in.
const AAD = 'outpost:audit-checkpoint-key:v1';

export interface CheckpointKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/**
 * The Ed25519 key that signs audit checkpoints: `<dataDir>/audit/checkpoint-key.enc`, sealed under
 * the KEK, made on first use. It is never in the database, so whoever can only write the database
 * cannot sign a rewritten chain; its public half is exported with the checkpoints.
 */
export async function loadOrCreateCheckpointKey(dataDir: string, kek: Buffer): Promise<CheckpointKey> {
  const dir = join(dataDir, 'audit');
  const path = join(dir, 'checkpoint-key.enc');
  let der: Buffer;
  try {
    der = decryptWithKek(kek, await readFile(path), AAD);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    der = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' });
    await writeAtomic(path, encryptWithKek(kek, der, AAD), 0o600);
  }
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, keyId: keyIdOf(publicKeyPem) };
}
