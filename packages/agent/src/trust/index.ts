export { createTrustBundleFeature, type TrustBundleFeature, type TrustBundleOptions } from './trust-bundle.feature.js';
export { checkTrustBundle, splitPemCertificates, TrustBundleError, type CheckedBundle } from './trust-bundle.js';
