// The groups domain's public face: the static-membership read model the device inventory and its
// filter language use, and the store's type for the domains wired with it.
export * from './group-membership.js';
export type { GroupsStore } from './groups.store.js';
