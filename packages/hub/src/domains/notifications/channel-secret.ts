import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';
import type { StoredChannel } from './channels.store.js';

// The AAD binds each sealed secret to its channel: a blob copied to another row does not open.
const aad = (channelId: string) => `notification_channel:${channelId}:secret`;

export function sealSecret(kek: Buffer, channelId: string, secret: string): string {
  return encryptWithKek(kek, Buffer.from(secret, 'utf8'), aad(channelId)).toString('base64');
}

/** A channel's webhook key or SMTP password, decrypted only at the moment of sending. */
export function openSecret(kek: Buffer, c: StoredChannel): string | null {
  return c.secretEnc ? decryptWithKek(kek, Buffer.from(c.secretEnc, 'base64'), aad(c.id)).toString('utf8') : null;
}
