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

export const SsoSignedOutQuery = Type.Object(
  {
    state: Type.Optional(Type.String({ maxLength: 256 })),
  },
  // Providers may add their own parameters: kept, bounded, and ignored.
  { additionalProperties: Type.String({ maxLength: 2048 }), maxProperties: 8 },
);
export const SsoDeviceStartBody = Type.Object(
  {
    // S256 of a verifier the CLI keeps: only the process that started the sign-in can collect it.
    challenge: Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' }),
  },
  { additionalProperties: false },
);
export const SsoDevicePollBody = Type.Object(
  {
    handle: Type.String({ minLength: 16, maxLength: 128 }),
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
  // OpenID Connect RP-Initiated Logout 1.0: the provider's end-session page sends the browser back here.
  signedOut: defineRoute({
    ...sso,
    id: 'sso.signedOut',
    method: 'GET',
    path: '/api/v1/auth/oidc/:provider/signed-out',
    description:
      "The provider's `post_logout_redirect_uri`: checks the `state` the hub sent with the sign-out, then " +
      'redirects to the console sign-in page (`/?signed_out=<provider>`, or `/?sso_error=<code>`).',
    params: ProviderParam,
    query: SsoSignedOutQuery,
  }),
  // RFC 8628: the hub asks the provider for a device code; the CLI shows the code and polls the hub.
  deviceStart: defineRoute({
    ...sso,
    id: 'sso.deviceStart',
    method: 'POST',
    path: '/api/v1/auth/oidc/:provider/device',
    description:
      'Starts a device authorization grant at the provider: answers `userCode`, `verificationUri(Complete)`, ' +
      '`expiresIn`, `interval` and an opaque `handle`; the device code stays on the hub.',
    params: ProviderParam,
    body: SsoDeviceStartBody,
  }),
  devicePoll: defineRoute({
    ...sso,
    id: 'sso.devicePoll',
    method: 'POST',
    path: '/api/v1/auth/oidc/device/poll',
    description:
      "Asks the provider once whether the user approved: `{status: 'pending' | 'slow_down', interval}`, or " +
      "`{status: 'signed_in', session}`; a denied or expired code is refused with its code.",
    body: SsoDevicePollBody,
  }),
};
