export {
  createCertRenewalFeature,
  type CertRenewalFeature,
  type CertRenewalOptions,
  type RenewedCredentials,
} from './cert-renewal.feature.js';
export {
  DEFAULT_RENEWAL_POLICY,
  realLifetime,
  renewalTime,
  retryDelayMs,
  responseTimeoutMs,
  type RenewalPolicy,
  type Validity,
} from './renewal-schedule.js';
export { checkIssuedCertificate, validityOf } from './issued-check.js';
