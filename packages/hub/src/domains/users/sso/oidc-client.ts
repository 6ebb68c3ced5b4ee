import { readFileSync } from 'node:fs';
import * as oidc from 'openid-client';
import type { OidcProviderConfig } from '../../../config/oidc-providers.js';
import type { Claims } from './claim-mapping.js';
import { trustedFetch } from './trusted-fetch.js';

/** What the sign-in flow needs from an OpenID provider; openid-client does the protocol. */
export interface OidcClient {
  /** The provider's authorization URL for a new sign-in (S256 PKCE, state, nonce). */
  authorizationUrl(a: { state: string; nonce: string; codeVerifier: string }): Promise<string>;
  /**
   * Redeems the code of a callback URL after checking its state, issuer (RFC 9207) and the ID
   * token (signature, issuer, audience, nonce, expiry); answers the ID token claims merged over
   * the user info (the ID token wins on every claim both carry).
   */
  redeem(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<Claims>;
}

export function createOidcClient(p: OidcProviderConfig): OidcClient {
  const fetch = trustedFetch(p.caFile ? readFileSync(p.caFile, 'utf8') : undefined);
  let config: Promise<oidc.Configuration> | null = null;

  // Discovered on first use and kept; a failed discovery is tried again on the next sign-in.
  function configuration(): Promise<oidc.Configuration> {
    config ??= oidc
      .discovery(new URL(p.issuer), p.clientId, p.clientSecret, undefined, { [oidc.customFetch]: fetch, timeout: 15 })
      .then((c) => {
        c[oidc.customFetch] = fetch;
        return c;
      })
      .catch((err: unknown) => {
        config = null;
        throw err;
      });
    return config;
  }

  return {
    async authorizationUrl({ state, nonce, codeVerifier }) {
      const c = await configuration();
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: p.redirectUrl,
        scope: p.scopes.join(' '),
        response_type: 'code',
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return url.href;
    },
    async redeem(callbackUrl, { state, nonce, codeVerifier }) {
      const c = await configuration();
      const tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('the provider answered no ID token');
      const info = c.serverMetadata().userinfo_endpoint
        ? await oidc.fetchUserInfo(c, tokens.access_token, idClaims.sub)
        : {};
      return { ...info, ...idClaims } as Claims;
    },
  };
}
