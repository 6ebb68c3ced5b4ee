// The configs domain's public face: the compliance read model other domains watch.
export * from './compliance/compliance.reads.js';
