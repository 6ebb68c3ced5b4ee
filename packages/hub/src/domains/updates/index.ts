// The updates domain's public face: the rollout-failure read model other domains watch.
export * from './rollouts/rollout-failures.reads.js';
export * from './rollouts/rollout-marks.reads.js';
export * from './rollouts/rollout-names.reads.js';
