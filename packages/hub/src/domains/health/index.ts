// The health domain's public face: metric names and the rules that judge a device's health.
export * from './health-metrics.js';
export * from './health-model.js';
export type { HealthStore, HourlyHealth } from './health.store.js';
