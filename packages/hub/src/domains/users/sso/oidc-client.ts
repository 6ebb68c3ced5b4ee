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
  redeem(callbackUrl: URL, checks: { state: string; nonce: string; codeVerifier: string }): Promise<SignedInTokens>;
  /** The provider's `end_session_endpoint` (RP-Initiated Logout 1.0), or null when it advertises none. */
  endSessionEndpoint(): Promise<string | null>;
  /** Starts a device authorization grant (RFC 8628 §3.1); null when the provider offers none. */
  startDevice(a: { nonce: string }): Promise<DeviceAuthorization | null>;
  /** Asks the token endpoint once (RFC 8628 §3.4); the ID token is checked as in `redeem`. */
  pollDevice(deviceCode: string, checks: { nonce: string }): Promise<DevicePoll>;
}

/** What a finished sign-in gives: the claims, and the raw ID token kept (sealed) for signing out. */
export interface SignedInTokens {
  claims: Claims;
  idToken: string;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  expiresIn: number;
  interval: number;
}

/** One answer of the token endpoint to a device code: still waiting, slower, refused (RFC 8628 §3.5), or done. */
export type DevicePoll =
  | { kind: 'authorization_pending' | 'slow_down' }
  | { kind: 'access_denied' | 'expired_token' }
  | ({ kind: 'signed_in' } & SignedInTokens);

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export function createOidcClient(p: OidcProviderConfig): OidcClient {
  const fetch = trustedFetch(p.caFile ? readFileSync(p.caFile, 'utf8') : undefined);
  let config: Promise<oidc.Configuration> | null = null;

  // Discovered on first use and kept; a failed discovery is tried again on the next sign-in.
  function configuration(): Promise<oidc.Configuration> {
    config ??= oidc
      .discovery(new URL(p.issuer), p.clientId, p.clientSecret, undefined, { [oidc.customFetch]: fetch, timeout: 15 })
      .then((c) => {
        c[oidc.customFetch] = fetch;
        // ID tokens are checked against the provider's published keys too, not only taken on TLS' word.
        oidc.enableNonRepudiationChecks(c);
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
      return signedIn(c, tokens);
    },
    async endSessionEndpoint() {
      return (await configuration()).serverMetadata().end_session_endpoint ?? null;
    },
    async startDevice({ nonce }) {
      const c = await configuration();
      if (!c.serverMetadata().device_authorization_endpoint) return null;
      const r = await oidc.initiateDeviceAuthorization(c, { scope: p.scopes.join(' '), nonce });
      return {
        deviceCode: r.device_code,
        userCode: r.user_code,
        verificationUri: r.verification_uri,
        verificationUriComplete: r.verification_uri_complete ?? null,
        expiresIn: r.expires_in,
        interval: r.interval ?? 5,
      };
    },
    async pollDevice(deviceCode, { nonce }) {
      const c = await configuration();
      let tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
      try {
        tokens = await oidc.genericGrantRequest(c, DEVICE_CODE_GRANT, { device_code: deviceCode });
      } catch (err) {
        const code = err instanceof oidc.ResponseBodyError ? err.error : '';
        if (code === 'authorization_pending' || code === 'slow_down') return { kind: code };
        if (code === 'access_denied' || code === 'expired_token') return { kind: code };
        throw err;
      }
      const idClaims = tokens.claims();
      // OpenID Connect Core §3.1.3.7 item 11: a nonce sent must come back unchanged.
      if (idClaims && idClaims.nonce !== undefined && idClaims.nonce !== nonce)
        throw new Error('the ID token carries another nonce than this sign-in sent');
      return { kind: 'signed_in', ...(await signedIn(c, tokens)) };
    },
  };
}

async function signedIn(
  c: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
): Promise<SignedInTokens> {
  const idClaims = tokens.claims();
  if (!idClaims || !tokens.id_token) throw new Error('the provider answered no ID token');
  const info = c.serverMetadata().userinfo_endpoint
    ? await oidc.fetchUserInfo(c, tokens.access_token, idClaims.sub)
    : {};
  return { claims: { ...info, ...idClaims } as Claims, idToken: tokens.id_token };
}
