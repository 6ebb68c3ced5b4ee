// The users domain's public face: who is acting (principal), and the second-factor step-up.
export * from './principal.js';
export * from './step-up.js';
export type { UsersService } from './users.service.js';
// The first access migration created the second-factor tables; it calls this, as shipped.
export { createMfaTables } from './mfa.migration.js';
export * from './user-names.reads.js';
