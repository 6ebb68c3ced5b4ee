// The location domain's public face.
export type { LocationService } from './location.service.js';
export type { LocationStore } from './location.store.js';
