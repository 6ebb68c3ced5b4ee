import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../storage/database.js';
import type { OidcProviderConfig } from '../../../config/oidc-providers.js';
import { createManualClock } from '../../../platform/manual-clock.js';
import { openHubDatabase } from '../../hub-modules.js';
import { createAuditLog } from '../../audit/index.js';
import { createUsersStore } from '../users.store.js';
import { createUserScopeStore } from '../user-scope.store.js';
import { createSsoStore } from './sso.store.js';
import { createSsoProvisioning, NO_LOCAL_PASSWORD } from './sso-provisioning.js';

const provider: OidcProviderConfig = {
  id: 'corp',
  label: 'Corp',
  issuer: 'https://sso.example.com',
  clientId: 'hub',
  redirectUrl: 'https://hub.example.com/api/v1/auth/oidc/corp/callback',
  scopes: ['openid'],
  usernameClaim: 'preferred_username',
  rules: [{ claim: 'groups', value: 'ot-north', role: 'operator', groups: ['north'] }],
  allowUsers: { claim: 'email', pattern: '[^@]+@example\\.com' },
  mfa: { amr: ['otp'] },
};
const claims = (sub: string, extra: Record<string, unknown> = {}) => ({
  sub,
  preferred_username: sub,
  email: `${sub}@example.com`,
  groups: ['ot-north'],
  ...extra,
});

describe('users of an identity provider: created, mapped, refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-sso-'));
  const clock = createManualClock(Date.UTC(2030, 0, 1, 12));
  let db: Db;
  let provision: ReturnType<typeof createSsoProvisioning>['provision'];
  let users: ReturnType<typeof createUsersStore>;

  before(async () => {
    db = await openHubDatabase(dir);
    users = createUsersStore(db);
    const deps = {
      store: createSsoStore(db),
      users,
      scopes: createUserScopeStore(db),
      audit: createAuditLog({ db, clock }),
      clock,
    };
    provision = createSsoProvisioning(deps).provision;
  });
  after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the user without a local password; the provider proves a second factor only through the configured amr', async () => {
    const plain = await provision(provider, claims('ann'), null);
    assert.deepEqual([plain.user.username, plain.user.role, plain.mfaAt], ['ann', 'operator', null]);
    assert.equal((await users.byUsername('ann'))?.passwordHash, NO_LOCAL_PASSWORD);
    const authTime = Date.UTC(2030, 0, 1, 11, 59) / 1000;
    const strong = await provision(provider, claims('ann', { amr: ['pwd', 'otp'], auth_time: authTime }), null);
    assert.equal(strong.user.id, plain.user.id, 'found again by its link, not created twice');
    assert.equal(strong.mfaAt, '2030-01-01T11:59:00.000Z');
  });

  it('refuses without creating anything: a second factor required and missing, a user the rule does not allow, an unusable name', async () => {
    const refusals: Array<[OidcProviderConfig, Record<string, unknown>, string, string]> = [
      [{ ...provider, mfa: { amr: ['otp'], required: true } }, claims('bob'), 'sso_mfa_required', 'mfa_required'],
      [provider, claims('bob', { email: 'bob@example.org' }), 'sso_not_allowed', 'not_allowed'],
      [provider, claims('bob', { preferred_username: 'bob smith' }), 'sso_not_allowed', 'username_claim_invalid'],
    ];
    for (const [p, c, code, reason] of refusals) await assert.rejects(provision(p, c, null), { code, reason });
    assert.equal(await users.byUsername('bob'), null);
  });

  it('keeps a user an administrator deactivated out, whatever the provider says', async () => {
    const { user } = await provision(provider, claims('cy'), null);
    await users.update(user.id, { disabled: 1 });
    await assert.rejects(provision(provider, claims('cy'), null), {
      code: 'sso_user_disabled',
      reason: 'user_disabled',
    });
    assert.equal((await users.byId(user.id))?.disabled, true);
  });
});
