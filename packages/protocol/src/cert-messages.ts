import { Type, type Static } from '@sinclair/typebox';

// Device certificate renewal over the device's own MQTT topics. The device sends a CSR for a key
// pair it has just made on `cert/renew`; the hub answers on `cert/issued` with the same requestId.
// The broker admits the request only on a connection authenticated by the device's current
// certificate, on that device's own topic, so the request is authorized as that device alone.

const V = Type.Literal(1);
const RequestId = Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' });
const Code = Type.String({ pattern: '^[a-z_]{1,64}$' });

/**
 * How far the hub backdates a device certificate's notBefore, so a device whose clock lags the
 * hub accepts it. The real lifetime of a certificate is notAfter − (notBefore + this).
 */
export const DEVICE_CERT_BACKDATE_MS = 5 * 60 * 1000;

/** Device → hub: a CSR for a fresh key; `lastFailure` reports why the previous attempts failed. */
export const CertRenewRequest = Type.Object(
  {
    v: V,
    requestId: RequestId,
    csrPem: Type.String({ minLength: 1, maxLength: 8192 }),
    lastFailure: Type.Optional(
      Type.Object(
        {
          reason: Type.String({ maxLength: 256 }),
          attempts: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CertRenewRequest = Static<typeof CertRenewRequest>;

/** Hub → device: the new certificate, or why the request was refused (a stable code). */
export const CertRenewResponse = Type.Union([
  Type.Object(
    {
      v: V,
      requestId: RequestId,
      ok: Type.Literal(true),
      certificatePem: Type.String({ minLength: 1, maxLength: 16_384 }),
      caChainPem: Type.String({ minLength: 1, maxLength: 65_536 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      v: V,
      requestId: RequestId,
      ok: Type.Literal(false),
      code: Code,
      message: Type.String({ maxLength: 512 }),
    },
    { additionalProperties: false },
  ),
]);
export type CertRenewResponse = Static<typeof CertRenewResponse>;

/** Stable reasons a device certificate is refused at connection or a renewal is refused. */
export const CertRefusal = {
  Expired: 'certificate_expired',
  Revoked: 'certificate_revoked',
  Superseded: 'certificate_superseded',
  Unknown: 'certificate_unknown',
  RenewalTooSoon: 'renewal_too_soon',
  KeyReused: 'renewal_key_reused',
  /** The CA that issued the certificate was retired: the device enrolls again with a fresh token. */
  CaRetired: 'certificate_ca_retired',
} as const;
