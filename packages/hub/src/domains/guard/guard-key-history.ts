import { createHash, createPublicKey } from 'node:crypto';
import type { WriteGrant } from '@outpost/protocol';

/** SHA-256 of a public key's SPKI DER, lowercase hex (what devices report and people compare). */
export function fingerprintOf(publicPem: string): string {
  return createHash('sha256').update(createPublicKey(publicPem).export({ type: 'spki', format: 'der' })).digest('hex');
}

/** A grant without its signature: what a key signs. */
export function unsignedGrant(g: WriteGrant): Omit<WriteGrant, 'signature'> {
  const { signature: _signature, ...rest } = g;
  return rest;
}
