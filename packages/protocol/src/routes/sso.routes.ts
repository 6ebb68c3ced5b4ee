import { Type } from '@sinclair/typebox';
import { defineRoute } from './define-route.js';

/** An identity provider's id in the hub's settings: lower-case letters, digits, dashes. */
export const SSO_PROVIDER_ID = '^[a-z0-9][a-z0-9-]{0,31}$';
const ProviderParam = Type.Object({ provider: Type.String({ pattern: SSO_PROVIDER_ID }) });

export const SsoStartQuery = Type.Object(
  {
    // The CLI's loopback hand-off (RFC 8252 §7.3): its port on 127.0.0.1 and the S256 challenge of
    // the verifier it will present to redeem the hand-off code.
    cli_port: Type.Optional(Type.Integer({ minimum: 1024, maximum: 65535 })),
    cli_challenge: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' })),
  },
  { additionalProperties: false },
);
export const SsoCallbackQuery = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 2048 })),
    state: Type.Optional(Type.String({ maxLength: 256 })),
    iss: Type.Optional(Type.String({ maxLength: 2048 })),
    error: Type.Optional(Type.String({ maxLength: 256 })),
    error_description: Type.Optional(Type.String({ maxLength: 2048 })),
    session_state: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  // Providers add their own parameters (scope, authuser, hd…): kept, bounded, and ignored.
  { additionalProperties: Type.String({ maxLength: 2048 }), maxProperties: 16 },
);
export const SsoExchangeBody = Type.Object(
  {
    code: Type.String({ minLength: 16, maxLength: 128 }),
    // RFC 7636 §4.1: 43 to 128 characters.
    verifier: Type.String({ pattern: '^[A-Za-z0-9._~-]{43,128}$' }),
  },
  { additionalProperties: false },
);

const sso = { tag: 'sso', role: 'public', scope: 'none' } as const;

/** Single sign-on through OpenID Connect providers (authorization code with PKCE). */
export const SSO_ROUTES = {
  // The sign-in page's buttons: ids and labels only.
  providers: defineRoute({ ...sso, id: 'sso.providers', method: 'GET', path: '/api/v1/auth/oidc/providers' }),
  start: defineRoute({
    ...sso,
    id: 'sso.start',
    method: 'GET',
    path: '/api/v1/auth/oidc/:provider/start',
    description: 'Redirects (302) to the identity provider; state, nonce and PKCE verifier stay on the hub.',
    params: ProviderParam,
    query: SsoStartQuery,
  }),
  callback: defineRoute({
    ...sso,
    id: 'sso.callback',
    method: 'GET',
    path: '/api/v1/auth/oidc/:provider/callback',
    description:
      'Where the identity provider returns. Redirects to the console with a session, or with `sso_error=<code>`; ' +
      'for a CLI sign-in, to its loopback address with a one-time hand-off code.',
    params: ProviderParam,
    query: SsoCallbackQuery,
  }),
  // The CLI redeems its hand-off code with the PKCE verifier it kept; the answer is a session.
  exchange: defineRoute({
    ...sso,
    id: 'sso.exchange',
    method: 'POST',
    path: '/api/v1/auth/oidc/exchange',
    body: SsoExchangeBody,
  }),
};
