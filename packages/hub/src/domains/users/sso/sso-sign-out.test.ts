import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../../storage/database.js';
import type { OidcProviderConfig } from '../../../config/oidc-providers.js';
import { createManualClock } from '../../../platform/manual-clock.js';
import { openHubDatabase } from '../../hub-modules.js';
import { createAuditLog, type AuditLog } from '../../audit/index.js';
import type { OidcClient } from './oidc-client.js';
import { createSsoFlowsStore } from './sso-flows.store.js';
import { createSsoSignOut, endSessionUrl } from './sso-sign-out.js';

const provider: OidcProviderConfig = {
  id: 'corp',
  label: 'Corp',
  issuer: 'https://sso.example.com',
  clientId: 'hub',
  redirectUrl: 'https://hub.example.com/api/v1/auth/oidc/corp/callback',
  postLogoutRedirectUri: 'https://hub.example.com/api/v1/auth/oidc/corp/signed-out',
  scopes: ['openid'],
  usernameClaim: 'preferred_username',
  rules: [{ claim: 'groups', value: 'ot-north', role: 'operator', groups: ['north'] }],
};
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJl';
const END_SESSION = 'https://sso.example.com/session/end?ui_locales=en';

describe('RP-initiated logout: the end-session URL and the state checked on return', () => {
  it('builds the end-session URL: the endpoint with its own query, id_token_hint, post_logout_redirect_uri, client_id and state', () => {
    const url = new URL(
      endSessionUrl(END_SESSION, {
        clientId: 'hub',
        idToken: ID_TOKEN,
        postLogoutRedirectUri: provider.postLogoutRedirectUri!,
        state: 's1',
      }),
    );
    assert.equal(url.origin + url.pathname, 'https://sso.example.com/session/end');
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      ui_locales: 'en',
      id_token_hint: ID_TOKEN,
      post_logout_redirect_uri: 'https://hub.example.com/api/v1/auth/oidc/corp/signed-out',
      client_id: 'hub',
      state: 's1',
    });
    assert.throws(
      () =>
        endSessionUrl('http://sso.example.com/end', {
          clientId: 'hub',
          idToken: 'x',
          postLogoutRedirectUri: 'y',
          state: 'z',
        }),
      /not HTTPS/,
    );
  });

  describe('with a database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-sso-out-'));
    const clock = createManualClock(Date.UTC(2030, 0, 1, 12));
    let db: Db;
    let audit: AuditLog;
    let signOut: ReturnType<typeof createSsoSignOut>;
    let endpoint: string | null = END_SESSION;
    const client = { endSessionEndpoint: async () => endpoint } as OidcClient;

    before(async () => {
      db = await openHubDatabase(dir);
      audit = createAuditLog({ db, clock });
      signOut = createSsoSignOut({
        providers: [provider, { ...provider, id: 'plain', postLogoutRedirectUri: undefined }],
        clients: new Map([
          ['corp', client],
          ['plain', client],
        ]),
        flows: createSsoFlowsStore(db),
        audit,
        clock,
        kek: randomBytes(32),
      });
    });
    after(async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    const actor = { type: 'user' as const, id: 'ann', sourceIp: null };
    const later = new Date(Date.UTC(2030, 0, 1, 20)).toISOString();
    const stateOf = (location: string | null) => new URL(location!).searchParams.get('state')!;
    const lastLogout = async () => (await audit.list({ action: 'auth.logout', limit: 1 }))[0];

    it('keeps the ID token sealed, not in the clear, and gives it back only at the sign-out of its own session', async () => {
      await signOut.remember('session-1', later, provider, { idToken: ID_TOKEN, claims: { sub: 'ann', sid: 'sid-1' } });
      const row = await db.selectFrom('sso_sessions').selectAll().executeTakeFirstOrThrow();
      assert.equal(row.sid, 'sid-1');
      assert.ok(
        !row.id_token_sealed.includes(ID_TOKEN) && !Buffer.from(row.id_token_sealed, 'base64').includes(ID_TOKEN),
      );
      assert.equal(await signOut.signOut('another-session', actor), null);
      const location = await signOut.signOut('session-1', actor);
      assert.equal(new URL(location!).searchParams.get('id_token_hint'), ID_TOKEN);
      assert.deepEqual((await lastLogout())?.details, { provider: 'corp', atProvider: true });
      assert.equal(await signOut.signOut('session-1', actor), null, 'taken once');
    });

    it('signs a session out locally when its provider has no post-logout address or no end-session endpoint', async () => {
      await signOut.remember(
        'session-2',
        later,
        { ...provider, id: 'plain', postLogoutRedirectUri: undefined },
        {
          idToken: ID_TOKEN,
          claims: { sub: 'ann' },
        },
      );
      assert.equal(await signOut.signOut('session-2', actor), null);
      endpoint = null;
      await signOut.remember('session-3', later, provider, { idToken: ID_TOKEN, claims: { sub: 'ann' } });
      assert.equal(await signOut.signOut('session-3', actor), null);
      assert.deepEqual((await lastLogout())?.details, {
        provider: 'corp',
        atProvider: false,
        reason: 'no_end_session_endpoint',
      });
      endpoint = END_SESSION;
    });

    it('accepts the state it sent once, for its provider, before it expires; refuses anything else with the reason', async () => {
      const refusedWith = (reason: string) => ({ code: 'sso_state_invalid', reason });
      await signOut.remember('s-a', later, provider, { idToken: ID_TOKEN, claims: { sub: 'ann' } });
      const state = stateOf(await signOut.signOut('s-a', actor));
      await assert.rejects(signOut.signedOut('corp', undefined, null), refusedWith('missing_state'));
      await assert.rejects(signOut.signedOut('corp', 'forged-state', null), refusedWith('unknown_or_used_state'));
      await signOut.signedOut('corp', state, null);
      await assert.rejects(signOut.signedOut('corp', state, null), refusedWith('unknown_or_used_state'));

      await signOut.remember('s-b', later, provider, { idToken: ID_TOKEN, claims: { sub: 'ann' } });
      const other = stateOf(await signOut.signOut('s-b', actor));
      await assert.rejects(signOut.signedOut('plain', other, null), refusedWith('provider_mismatch'));

      await signOut.remember('s-c', later, provider, { idToken: ID_TOKEN, claims: { sub: 'ann' } });
      const stale = stateOf(await signOut.signOut('s-c', actor));
      await clock.advance(11 * 60_000);
      await assert.rejects(signOut.signedOut('corp', stale, null), refusedWith('unknown_or_used_state'));
      const denied = (await audit.list({ action: 'auth.logout', limit: 10 })).filter((r) => r.outcome === 'denied');
      assert.deepEqual(denied.map((r) => r.details?.reason).sort(), [
        'missing_state',
        'provider_mismatch',
        'unknown_or_used_state',
        'unknown_or_used_state',
        'unknown_or_used_state',
      ]);
    });
  });
});
