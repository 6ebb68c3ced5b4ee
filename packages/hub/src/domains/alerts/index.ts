// The alerts domain's public face: the store's type for the domains that read alert history
// (reports), and the rule-kind contract other domains' data plugs into.
export type { AlertsStore } from './alerts.store.js';
export * from './alert-marks.reads.js';
