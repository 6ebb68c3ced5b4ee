// The enrollment domain's public face: device certificates on record, and who may connect as a device.
export type { CertificatesStore } from './certificates.store.js';
export { createCertificatesStore } from './certificates.store.js';
export { createDeviceAdmission, type DeviceAdmission } from './device-admission.js';
export type { DeviceCertificateIssuer } from './enrollment.service.js';
export { createCertRenewalsStore, type CertRenewalsStore, type CertRenewalRow } from './cert-renewals.store.js';
export {
  admitPeer,
  certificatesOf,
  checkPeerCertificate,
  isExpiredOfOurs,
  PeerRefusal,
  type PeerCheck,
} from './peer-certificate.js';
