import type {
  CertificateAuthorityList,
  CertificateAuthoritySummary,
  CertificateHealth,
  RetireCaResult,
} from '@outpost/protocol';
import { PKI_ROUTES as PKI } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** The hub's certificate authorities and their rotation (admin only). */
export function pkiApi(r: RouteCaller) {
  return {
    /** Every CA, its state and the live certificates still depending on it. */
    listCas: () => r<CertificateAuthorityList>(PKI.listCas),
    /** Devices whose certificate lapses within `days` (default 30), whose renewal fails, still on a retiring CA. */
    certificateHealth: (days?: number) =>
      r<CertificateHealth>(PKI.certificateHealth, { query: days === undefined ? {} : { days } }),
    /** A new CA signs from now on; the previous one stays trusted (retiring) until retired. */
    rotateCa: (o: { commonName?: string; otp?: string } = {}) =>
      r<CertificateAuthoritySummary>(PKI.rotateCa, { body: o }),
    /** Stops trusting a retiring CA; refused with `ca_in_use` while live certificates depend on it unless forced. */
    retireCa: (id: string, o: { force?: boolean; otp?: string } = {}) =>
      r<RetireCaResult>(PKI.retireCa, { params: { id }, body: o }),
  };
}
