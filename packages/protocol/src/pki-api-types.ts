/** active: signs new certificates; retiring: trusted, signs nothing; retired: no longer trusted anywhere. */
export type CaState = 'active' | 'retiring' | 'retired';

/** One CA of the hub and the live certificates (not revoked, not expired) that still depend on it. */
export interface CertificateAuthoritySummary {
  id: string;
  commonName: string;
  /** SHA-256 of the certificate DER, lowercase hex. */
  fingerprint: string;
  /** The CA certificate, for clients that verify the hub's TLS with a CA file (`--ca-file`). */
  certificatePem: string;
  state: CaState;
  createdAt: string;
  retiringSince: string | null;
  retiredAt: string | null;
  notAfter: string;
  /** The hub's TLS server certificate is issued by this CA (the oldest one still trusted). */
  servesHubTls: boolean;
  liveCertificates: number;
  /** Devices holding at least one live certificate of this CA. */
  devices: number;
}

export interface CertificateAuthorityList {
  items: CertificateAuthoritySummary[];
  /** Devices whose live certificate is still from a retiring CA: they have yet to renew. */
  devicesOnRetiringCas: number;
}

export interface RetireCaResult {
  ca: CertificateAuthoritySummary;
  /** Live certificates revoked because the retirement was forced. */
  revokedCertificates: number;
}

/** Figures for the dashboard: what threatens the fleet's identities. */
export interface CertificateHealth {
  lapsingWithinDays: number;
  /** Devices whose newest live certificate lapses within that many days. */
  lapsingSoon: number;
  /** Devices whose certificate renewal failed at least once in a row now. */
  failingRenewals: number;
  /** Devices still holding a live certificate of a retiring CA. */
  devicesOnRetiringCas: number;
  retiringCas: Array<{ id: string; retiringSince: string | null; devices: number }>;
}
