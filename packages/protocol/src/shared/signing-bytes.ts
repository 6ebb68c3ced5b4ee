import { canonicalJsonBytes } from './canonical-json.js';

// The exact bytes each signature of Outpost covers, in one place so signer and verifier
// cannot drift apart. All of them are canonical JSON (canonical-json.ts) of the signed object
// without its signature, some with a domain prefix so bytes signed for one purpose can never
// be replayed as another.

/** Update metadata (a manifest's or a trust root's `signed` body): TUF-style, no prefix. */
export function metadataSigningBytes(body: object): Uint8Array {
  return canonicalJsonBytes(body);
}

/** A guard write grant: every field but the signature, no prefix (grants predate prefixes). */
export function grantSigningBytes<T extends object>(grant: T & { signature?: unknown }): Uint8Array {
  const { signature: _signature, ...rest } = grant;
  return canonicalJsonBytes(rest);
}

/**
 * A guard policy document: everything but the signature. Signed by the grant-signing key, so
 * a broker or a path between hub and device that can deliver messages still cannot loosen a
 * device's policy.
 */
export function documentSigningBytes<T extends object>(doc: T & { signature?: unknown }): Uint8Array {
  const { signature: _signature, ...rest } = doc;
  const body = new TextDecoder().decode(canonicalJsonBytes(rest));
  return new TextEncoder().encode(`outpost-guard-document/v1\n${body}`);
}

/**
 * An audit checkpoint: the chain head (sequence number and hash) at a time, signed by the hub's
 * audit checkpoint key, so a rewritten or truncated chain disagrees with what was signed.
 */
export function auditCheckpointSigningBytes<T extends object>(cp: T & { signature?: unknown }): Uint8Array {
  const { signature: _signature, ...rest } = cp;
  const body = new TextDecoder().decode(canonicalJsonBytes(rest));
  return new TextEncoder().encode(`outpost-audit-checkpoint/v1\n${body}`);
}
