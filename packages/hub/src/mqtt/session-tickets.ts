import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decryptWithKek, encryptWithKek } from '../platform/kek-seal.js';
import { writeAtomic } from '../platform/atomic-write.js';

/**
 * Keys that seal the broker's TLS session tickets. Kept in the data directory, encrypted under the
 * KEK, so that after a hub restart the devices' tickets still open: a fleet reconnecting after an
 * upgrade resumes its sessions instead of repeating 10,000 certificate exchanges at once. A key is
 * replaced once it is older than `maxAgeMs`; tickets sealed with the old one then fall back to a
 * full handshake. Resumption never skips the hub's own check of the certificate (serial known,
 * not revoked, not expired) at MQTT admission.
 */
export const TICKET_KEY_BYTES = 48; // what Node's tls.Server#setTicketKeys takes
const FILE = 'mqtt-ticket-key';
const AAD = 'outpost mqtt session-ticket key';

export interface TicketKey {
  key: Buffer;
  createdAt: number;
}

export async function loadOrRotateTicketKey(
  dataDir: string,
  kek: Buffer,
  now: number,
  maxAgeMs: number,
): Promise<TicketKey> {
  const path = join(dataDir, 'pki', FILE);
  try {
    const plain = decryptWithKek(kek, await readFile(path), AAD);
    const createdAt = Number(plain.readBigUInt64BE(0));
    const key = plain.subarray(8);
    if (key.length === TICKET_KEY_BYTES && createdAt <= now && now - createdAt < maxAgeMs) return { key, createdAt };
  } catch {
    // Missing, unreadable or sealed under another KEK: a new key costs only full handshakes.
  }
  const fresh = { key: randomBytes(TICKET_KEY_BYTES), createdAt: now };
  const head = Buffer.alloc(8);
  head.writeBigUInt64BE(BigInt(now));
  await writeAtomic(path, encryptWithKek(kek, Buffer.concat([head, fresh.key]), AAD), 0o600);
  return fresh;
}
