import type { FastifyInstance } from 'fastify';
import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { HubContext } from '../hub-context.js';
import { registerAuthRoutes } from './auth.routes.js';
import { registerMfaRoutes } from './mfa.routes.js';
import { signInAttemptsMigration } from './sign-in-attempts.migration.js';
import { createMfaService } from './mfa.service.js';
import { createMfaStore } from './mfa.store.js';
import { stepUpIfEnrolled } from './step-up.js';
import { createUserScopeStore } from './user-scope.store.js';
import { createUsersService } from './users.service.js';
import { createUsersStore } from './users.store.js';

/** Users, sessions, API tokens, group scopes and the second factor. */
export const usersModule = defineModule({
  name: 'users',
  migrations: { '012_users_sign_in_attempts': { up: signInAttemptsMigration } },
  events: { emits: [], consumes: [] },
  create(d: Pick<HubContext, 'db' | 'clock' | 'config' | 'kek'> & { audit: AuditLog }) {
    const { db, clock, config, audit } = d;
    const store = createUsersStore(db);
    const mfa = createMfaService({
      store: createMfaStore(db),
      users: store,
      audit,
      clock,
      kek: d.kek,
      issuer: `Outpost ${config.publicHost}`,
      maxFailures: config.loginMaxFailures,
      windowMinutes: config.loginWindowMinutes,
    });
    const users = createUsersService({
      store,
      audit,
      clock,
      sessionTtlMinutes: config.sessionTtlMinutes,
      signIn: {
        perAccount: config.loginMaxFailures,
        perAddress: config.loginMaxFailuresPerAddress,
        windowMinutes: config.loginWindowMinutes,
      },
      mfa,
      scopes: createUserScopeStore(db),
    });
    const parts = {
      routes(app: FastifyInstance) {
        registerAuthRoutes(app, users, config.httpTls);
        registerMfaRoutes(app, mfa);
      },
    };
    return { api: { users, mfa, dangerousActionStepUp: stepUpIfEnrolled(clock, mfa.stepUp) }, parts };
  },
});
