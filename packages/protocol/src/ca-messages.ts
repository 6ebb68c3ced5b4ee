import { Type, type Static } from '@sinclair/typebox';

// CA rotation over the device's own MQTT topic. The hub sends the CAs it trusts (`ca/bundle`) on
// the connection the device already authenticated it on (the hub's server certificate verified
// against the CAs the device trusts), so a new CA arrives through a channel the old one vouches for.

/** At most this many CAs in one bundle: the active one and those still retiring. */
export const MAX_TRUSTED_CAS = 4;

const Fingerprint = Type.String({ pattern: '^[0-9a-f]{64}$' });

/** Hub → device: the trust bundle and which CA signs now; a device on another CA renews within `renewWithinS`. */
export const CaBundleMessage = Type.Object(
  {
    v: Type.Literal(1),
    /** PEM certificates of every CA the hub trusts (not retired), the one serving the hub's TLS first. */
    bundlePem: Type.String({ minLength: 1, maxLength: 8 * 1024 * MAX_TRUSTED_CAS }),
    /** SHA-256 (DER, lowercase hex) of the CA that signs new device certificates. */
    activeFingerprint: Fingerprint,
    /** A device whose certificate another CA issued renews at a random moment within this many seconds. */
    renewWithinS: Type.Integer({ minimum: 1, maximum: 30 * 86_400 }),
  },
  { additionalProperties: false },
);
export type CaBundleMessage = Static<typeof CaBundleMessage>;
