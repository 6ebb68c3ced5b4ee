// Fleet-wide helpers shared by monitoring domains: device scopes of rules and reports, hour buckets.
export * from './scope.js';
export * from './time-buckets.js';
