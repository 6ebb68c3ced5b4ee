import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import { ROLES, SSO_PROVIDER_ID } from '@outpost/protocol';

const GROUP_PATH = '^[a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63}){0,7}$';
const ClaimPath = Type.String({ pattern: '^[A-Za-z0-9_:-]{1,64}(\\.[A-Za-z0-9_:-]{1,64}){0,4}$' });
const Strings = (max: number) => Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: max });

/**
 * One claim rule: a user whose claim at `claim` (a dotted path, e.g. `groups`) equals `value` or,
 * for a list, holds it, gets `role` on `groups` (group paths; an empty list is the whole fleet).
 */
export const ClaimRuleSchema = Type.Object(
  {
    claim: ClaimPath,
    value: Type.String({ minLength: 1, maxLength: 256 }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    groups: Type.Array(Type.String({ pattern: GROUP_PATH }), { maxItems: 64 }),
  },
  { additionalProperties: false },
);
export type ClaimRule = Static<typeof ClaimRuleSchema>;

/** An OpenID Connect provider the hub signs users in with (authorization code flow with PKCE). */
export const OidcProviderSchema = Type.Object(
  {
    id: Type.String({ pattern: SSO_PROVIDER_ID }),
    // Shown on the sign-in button: "Sign in with <label>".
    label: Type.String({ minLength: 1, maxLength: 64 }),
    issuer: Type.String({ pattern: '^https://', maxLength: 512 }),
    clientId: Type.String({ minLength: 1, maxLength: 256 }),
    // The client secret: from a file (mode 0600) or an environment variable, or inline (not advised).
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    clientSecretFile: Type.Optional(Type.String({ minLength: 1 })),
    clientSecretEnv: Type.Optional(Type.String({ pattern: '^[A-Z_][A-Z0-9_]{0,63}$' })),
    // Registered at the provider: https://<hub>/api/v1/auth/oidc/<id>/callback
    redirectUrl: Type.String({ pattern: '^https?://', maxLength: 512 }),
    // Registered at the provider as a post_logout_redirect_uri: https://<hub>/api/v1/auth/oidc/<id>/signed-out.
    // With it, signing out of Outpost also ends the session at the provider (RP-Initiated Logout).
    postLogoutRedirectUri: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 512 })),
    // Lets `outpost login --sso <id> --device` sign in with the device authorization grant (RFC 8628).
    deviceFlow: Type.Optional(Type.Boolean()),
    scopes: Type.Array(Type.String({ pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,64}$' }), {
      minItems: 1,
      maxItems: 16,
    }),
    // PEM file of the CA(s) that sign the provider's TLS certificate; the system's CAs otherwise.
    caFile: Type.Optional(Type.String({ minLength: 1 })),
    // The claim that names the Outpost user created at first sign-in.
    usernameClaim: Type.String({ pattern: '^[A-Za-z0-9_:.-]{1,64}$' }),
    rules: Type.Array(ClaimRuleSchema, { minItems: 1, maxItems: 256 }),
    // Only users whose claim matches this pattern (anchored) may sign in, e.g. email ending in the company domain.
    allowUsers: Type.Optional(
      Type.Object(
        { claim: ClaimPath, pattern: Type.String({ minLength: 1, maxLength: 256 }) },
        { additionalProperties: false },
      ),
    ),
    // The provider's proof of a second factor: any of these `amr` values, or one of these `acr` values.
    // `required` refuses a sign-in without it; otherwise such a sign-in relies on Outpost's own TOTP step-up.
    mfa: Type.Optional(
      Type.Object(
        { amr: Type.Optional(Strings(16)), acr: Type.Optional(Strings(16)), required: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type OidcProviderConfig = Static<typeof OidcProviderSchema>;

export const OidcProvidersSchema = Type.Array(OidcProviderSchema, { maxItems: 16 });

/** Provider defaults a config file may leave out. */
export function withProviderDefaults(p: Partial<OidcProviderConfig>): Partial<OidcProviderConfig> {
  return { scopes: ['openid', 'profile', 'email'], usernameClaim: 'preferred_username', ...p };
}

/**
 * Checks what the schema cannot (unique ids, valid patterns, one source of the client secret) and
 * reads the secret from its file or variable, so the hub holds it once; throws naming the provider.
 */
export function resolveProviders(
  providers: OidcProviderConfig[],
  env: Record<string, string | undefined>,
): OidcProviderConfig[] {
  const seen = new Set<string>();
  return providers.map((p) => {
    const where = `oidcProviders "${p.id}"`;
    if (seen.has(p.id)) throw new Error(`${where}: the id is used twice`);
    seen.add(p.id);
    if (!p.scopes.includes('openid')) throw new Error(`${where}: scopes must include "openid"`);
    if (p.allowUsers) {
      try {
        new RegExp(p.allowUsers.pattern);
      } catch {
        throw new Error(`${where}: allowUsers.pattern is not a regular expression`);
      }
    }
    if (p.postLogoutRedirectUri) checkPostLogoutRedirect(p, where);
    const sources = [p.clientSecret, p.clientSecretFile, p.clientSecretEnv].filter((s) => s !== undefined);
    if (sources.length > 1) throw new Error(`${where}: give the client secret one way only`);
    const { clientSecretEnv, clientSecretFile, ...rest } = p;
    let secret = p.clientSecret;
    if (clientSecretFile) secret = readFileSync(clientSecretFile, 'utf8').trim();
    if (clientSecretEnv) {
      secret = env[clientSecretEnv];
      if (!secret) throw new Error(`${where}: the environment variable ${clientSecretEnv} is not set`);
    }
    return { ...rest, ...(secret ? { clientSecret: secret } : {}) };
  });
}

/** The provider sends the browser back to the hub's own sign-out route (same origin as the callback), nowhere else. */
function checkPostLogoutRedirect(p: OidcProviderConfig, where: string) {
  const back = new URL(p.postLogoutRedirectUri!);
  const hub = new URL(p.redirectUrl);
  if (back.origin !== hub.origin)
    throw new Error(`${where}: postLogoutRedirectUri must be on the hub's own origin ${hub.origin}`);
  const path = `/api/v1/auth/oidc/${p.id}/signed-out`;
  if (back.pathname !== path || back.search || back.hash)
    throw new Error(`${where}: postLogoutRedirectUri must be ${hub.origin}${path}`);
}
