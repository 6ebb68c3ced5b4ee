import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabaseEachTest, type OpenTestDatabase } from '../../../storage/test-database.js';
import type { SsoPendingTable } from './sso.tables.js';
import { createSsoStore } from './sso.store.js';

const T0 = '2026-12-01T10:00:00.000Z';
const T1 = '2026-12-01T10:05:00.000Z';
const T2 = '2026-12-01T10:20:00.000Z';

function pending(state: string, expiresAt = '2026-12-01T10:10:00.000Z'): SsoPendingTable {
  return {
    state_hash: state,
    provider: 'corp',
    nonce: 'n',
    code_verifier: 'v',
    binding_hash: 'b',
    cli_port: null,
    cli_challenge: null,
    expires_at: expiresAt,
  };
}

export function ssoStoreContract(name: string, open: OpenTestDatabase): void {
  describe(`sso store contract (${name})`, () => {
    const db = freshDatabaseEachTest(open);

    it('links a subject to a user and keeps whether the provider deactivated it', async () => {
      const s = createSsoStore(db());
      assert.equal(await s.identity('corp', 'sub-1'), null);
      await s.link({ provider: 'corp', subject: 'sub-1', userId: 'usr_a', at: T0 });
      assert.deepEqual(await s.identity('corp', 'sub-1'), { userId: 'usr_a', idpDisabled: false });
      assert.equal(await s.identity('other', 'sub-1'), null);
      await s.markSignIn('corp', 'sub-1', { idpDisabled: true, at: null });
      assert.deepEqual(await s.identity('corp', 'sub-1'), { userId: 'usr_a', idpDisabled: true });
    });

    it('gives a sign-in in flight once, and not after it expired', async () => {
      const s = createSsoStore(db());
      assert.equal(await s.savePending(pending('s1'), T0, 10), true);
      assert.equal(await s.savePending(pending('s2'), T0, 10), true);
      assert.equal((await s.takePending('s1', T1))?.nonce, 'n');
      assert.equal(await s.takePending('s1', T1), null, 'used once');
      assert.equal(await s.takePending('s2', T2), null, 'expired');
      assert.equal(await s.takePending('s2', T0), null, 'an expired one is gone, not kept for later');
    });

    it('refuses more sign-ins in flight than the bound, and forgets expired ones first', async () => {
      const s = createSsoStore(db());
      assert.equal(await s.savePending(pending('a'), T0, 2), true);
      assert.equal(await s.savePending(pending('b'), T0, 2), true);
      assert.equal(await s.savePending(pending('c'), T0, 2), false);
      assert.equal(await s.savePending(pending('c', '2026-12-01T11:00:00.000Z'), T2, 2), true);
    });

    it('gives a hand-off code once', async () => {
      const s = createSsoStore(db());
      const h = { code_hash: 'h', user_id: 'usr_a', provider: 'corp', challenge: 'c', mfa_at: null, expires_at: T1 };
      assert.equal(await s.saveHandoff(h, T0, 5), true);
      assert.deepEqual(await s.takeHandoff('h', T0), h);
      assert.equal(await s.takeHandoff('h', T0), null);
    });
  });
}
