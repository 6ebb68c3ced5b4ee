import type { FastifyInstance } from 'fastify';
import { defineModule } from '../../platform/module.js';
import type { AuditLog } from '../audit/index.js';
import type { HubContext } from '../hub-context.js';
import { registerAuthRoutes } from './auth.routes.js';
import { registerMfaRoutes } from './mfa.routes.js';
import { signInAttemptsMigration } from './sign-in-attempts.migration.js';
import { createMfaService } from './mfa.service.js';
import { createMfaStore } from './mfa.store.js';
import { createStepUp } from './step-up.js';
import { createUserScopeStore } from './user-scope.store.js';
import { createUsersService } from './users.service.js';
import { createUsersStore } from './users.store.js';
import { createOidcClient } from './sso/oidc-client.js';
import { registerSsoRoutes } from './sso/sso.routes.js';
import { ssoMigration } from './sso/sso.migration.js';
import { ssoFlowsMigration } from './sso/sso-flows.migration.js';
import { createSsoFlowsStore } from './sso/sso-flows.store.js';
import { createSsoService } from './sso/sso.service.js';
import { createSsoStore } from './sso/sso.store.js';

/** Users, sessions, API tokens, group scopes, the second factor, and single sign-on (OpenID Connect, with sign-out at the provider and the device grant). */
export const usersModule = defineModule({
  name: 'users',
  migrations: {
    '012_users_sign_in_attempts': { up: signInAttemptsMigration },
    '020_users_oidc_identities': { up: ssoMigration },
    '029_users_oidc_sign_out_device': { up: ssoFlowsMigration },
  },
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
    const scopes = createUserScopeStore(db);
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
      scopes,
    });
    const sso = createSsoService({
      providers: config.oidcProviders,
      clientFor: createOidcClient,
      store: createSsoStore(db),
      flows: createSsoFlowsStore(db),
      kek: d.kek,
      users: store,
      scopes,
      audit,
      clock,
      openSession: users.openSession,
    });
    const parts = {
      routes(app: FastifyInstance) {
        registerAuthRoutes(app, users, config.httpTls, sso.signOut);
        registerMfaRoutes(app, mfa);
        registerSsoRoutes(app, sso, config.httpTls);
      },
    };
    return { api: { users, mfa, stepUp: createStepUp(clock, mfa.stepUp) }, parts };
  },
});
