// The traffic domain's public face: each device's traffic as other domains read it, and the
// store's type for the domains wired with it (reports, retention).
export type * from './traffic-reader.js';
export type { TrafficStore } from './traffic.store.js';
