import { ErrorCode } from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { newSecret, sha256Hex } from '../../../platform/ids.js';
import type { OidcProviderConfig } from '../../../config/oidc-providers.js';
import type { Actor, AuditLog } from '../../audit/index.js';
import { decryptWithKek, encryptWithKek } from '../../../platform/kek-seal.js';
import type { OidcClient, SignedInTokens } from './oidc-client.js';
import type { SsoFlowsStore } from './sso-flows.store.js';
import { SsoRefused } from './sso-refused.js';

// The browser must come back from the provider's end-session page within this.
const SIGN_OUT_TTL_MS = 10 * 60_000;
// Sign-outs in flight and provider sessions kept at once: each row is a few hundred bytes to a few kB.
const MAX_SIGN_OUTS = 10_000;
const MAX_SESSIONS = 100_000;

export interface SsoSignOutDeps {
  providers: OidcProviderConfig[];
  clients: Map<string, OidcClient>;
  flows: SsoFlowsStore;
  audit: AuditLog;
  clock: Clock;
  kek: Buffer;
}

/**
 * The provider's end-session URL (OpenID Connect RP-Initiated Logout 1.0 §2): the endpoint's own
 * query kept, then `id_token_hint`, `post_logout_redirect_uri`, `client_id` and `state`.
 */
export function endSessionUrl(
  endpoint: string,
  a: { clientId: string; idToken: string; postLogoutRedirectUri: string; state: string },
): string {
  const url = new URL(endpoint);
  if (url.protocol !== 'https:') throw new Error(`the end_session_endpoint ${url.origin} is not HTTPS`);
  url.searchParams.set('id_token_hint', a.idToken);
  url.searchParams.set('post_logout_redirect_uri', a.postLogoutRedirectUri);
  url.searchParams.set('client_id', a.clientId);
  url.searchParams.set('state', a.state);
  return url.href;
}

// The sealed token opens only for the session it was sealed for.
const aad = (sessionHash: string) => `outpost:sso-session:${sessionHash}`;

/** Signing out of Outpost ends the provider's session too, where the provider offers it and the hub is set up for it. */
export function createSsoSignOut(d: SsoSignOutDeps) {
  const nowIso = () => d.clock.now().toISOString();
  const provider = (id: string) => d.providers.find((p) => p.id === id);

  /** Keeps the ID token of a new console session, sealed and bound to it, for signing out at the provider later. */
  async function remember(sessionToken: string, expiresAt: string, p: OidcProviderConfig, tokens: SignedInTokens) {
    if (!p.postLogoutRedirectUri) return;
    const sessionHash = sha256Hex(sessionToken);
    const sealed = encryptWithKek(d.kek, Buffer.from(tokens.idToken, 'utf8'), aad(sessionHash)).toString('base64');
    const sid = typeof tokens.claims.sid === 'string' ? tokens.claims.sid.slice(0, 256) : null;
    const subject = typeof tokens.claims.sub === 'string' ? tokens.claims.sub : '';
    // When full, the session still opens; signing out of it ends the Outpost session only.
    await d.flows.saveSession(
      { session_hash: sessionHash, provider: p.id, subject, sid, id_token_sealed: sealed, expires_at: expiresAt },
      nowIso(),
      MAX_SESSIONS,
    );
  }

  /**
   * Audits the sign-out of a session (`auth.logout`, with its provider) and answers where to send the
   * browser to end the provider's session too, or null when it came from no provider (or one without
   * an end-session endpoint).
   */
  async function signOut(sessionToken: string | undefined, actor: Actor): Promise<string | null> {
    const sessionHash = sessionToken ? sha256Hex(sessionToken) : null;
    const s = sessionHash ? await d.flows.takeSession(sessionHash) : null;
    const p = s ? provider(s.provider) : undefined;
    let location: string | null = null;
    let reason: string | undefined;
    if (s && p?.postLogoutRedirectUri && sessionHash) {
      try {
        location = await providerSignOut(p, s.id_token_sealed, sessionHash);
        if (!location) reason = 'no_end_session_endpoint';
      } catch (err) {
        // The Outpost session ends regardless; the provider's stays, and the audit says why.
        reason = `end_session_failed: ${err instanceof Error ? err.message.slice(0, 200) : 'error'}`;
      }
    }
    await d.audit.record({
      actor,
      action: 'auth.logout',
      details: { provider: s?.provider ?? null, atProvider: location !== null, ...(reason ? { reason } : {}) },
    });
    return location;
  }

  async function providerSignOut(p: OidcProviderConfig, sealed: string, sessionHash: string): Promise<string | null> {
    const endpoint = await d.clients.get(p.id)!.endSessionEndpoint();
    if (!endpoint) return null;
    const idToken = decryptWithKek(d.kek, Buffer.from(sealed, 'base64'), aad(sessionHash)).toString('utf8');
    const state = newSecret();
    const saved = await d.flows.saveSignOut(
      {
        state_hash: sha256Hex(state),
        provider: p.id,
        expires_at: new Date(d.clock.now().getTime() + SIGN_OUT_TTL_MS).toISOString(),
      },
      nowIso(),
      MAX_SIGN_OUTS,
    );
    if (!saved) throw new Error('too many sign-outs in progress');
    return endSessionUrl(endpoint, {
      clientId: p.clientId,
      idToken,
      postLogoutRedirectUri: p.postLogoutRedirectUri!,
      state,
    });
  }

  /** The browser back from the provider's end-session page: its `state` must be one the hub sent, unused and unexpired. */
  async function signedOut(providerId: string, state: string | undefined, sourceIp: string | null): Promise<void> {
    const taken = state ? await d.flows.takeSignOut(sha256Hex(state), nowIso()) : null;
    if (taken && taken.provider === providerId) return;
    const reason = !state ? 'missing_state' : taken ? 'provider_mismatch' : 'unknown_or_used_state';
    // The caller is anonymous and controls how many of these there are: bounded.
    await d.audit.recordBounded({
      actor: { type: 'anonymous', id: `${providerId}:signed-out`, sourceIp },
      action: 'auth.logout',
      outcome: 'denied',
      details: { provider: providerId, reason },
    });
    throw new SsoRefused(ErrorCode.SsoStateInvalid, 'this sign-out is unknown, expired or was used already', reason);
  }

  return { remember, signOut, signedOut };
}

export type SsoSignOut = ReturnType<typeof createSsoSignOut>;
