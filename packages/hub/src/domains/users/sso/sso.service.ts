import { ErrorCode, type SessionGrant, type SsoProvider } from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { HubError, NotFound, ValidationError } from '../../../platform/errors.js';
import { newSecret, sha256Hex } from '../../../platform/ids.js';
import type { OidcProviderConfig } from '../../../config/oidc-providers.js';
import type { Actor, AuditLog } from '../../audit/index.js';
import type { UsersStore, UserWithHash } from '../users.store.js';
import type { UserScopeStore } from '../user-scope.store.js';
import type { OidcClient } from './oidc-client.js';
import { createSsoDevice } from './sso-device.js';
import type { SsoFlowsStore } from './sso-flows.store.js';
import { createSsoProvisioning } from './sso-provisioning.js';
import { reasonOf, s256 } from './sso-reasons.js';
import { createSsoSignOut } from './sso-sign-out.js';
import { SsoRefused } from './sso-refused.js';
import type { SsoStore } from './sso.store.js';
import type { DeviceStarted, DevicePolled } from './sso-device.js';

// A sign-in at the provider must come back within this; a CLI must redeem its hand-off code within that.
const PENDING_TTL_MS = 10 * 60_000;
const HANDOFF_TTL_MS = 2 * 60_000;
// Unauthenticated callers start sign-ins: at most this many wait at once (each row is a few hundred bytes).
const MAX_PENDING = 10_000;
const MAX_HANDOFFS = 1_000;

export interface SsoDeps {
  providers: OidcProviderConfig[];
  clientFor: (p: OidcProviderConfig) => OidcClient;
  store: SsoStore;
  flows: SsoFlowsStore;
  /** The key-encryption key: seals the ID tokens kept for signing out at the provider. */
  kek: Buffer;
  users: UsersStore;
  scopes: UserScopeStore;
  audit: AuditLog;
  clock: Clock;
  openSession: (user: UserWithHash, sourceIp: string | null, mfaAt: string | null) => Promise<SessionGrant>;
}

export type CallbackResult = { kind: 'browser'; session: SessionGrant } | { kind: 'cli'; location: string };

export interface SsoService {
  /** The sign-in page's buttons. */
  providers: () => SsoProvider[];
  start: (
    id: string,
    cli: {
      port?: number;
      challenge?: string;
    },
    sourceIp: string | null,
  ) => Promise<{
    location: string;
    binding: string;
  }>;
  callback: (
    id: string,
    query: Record<string, string | undefined>,
    binding: string | undefined,
    sourceIp: string | null,
  ) => Promise<CallbackResult>;
  exchange: (code: string, verifier: string, sourceIp: string | null) => Promise<SessionGrant>;
  signOut: (sessionToken: string | undefined, actor: Actor) => Promise<string | null>;
  signedOut: (providerId: string, state: string | undefined, sourceIp: string | null) => Promise<void>;
  startDevice: (providerId: string, challenge: string, sourceIp: string | null) => Promise<DeviceStarted>;
  pollDevice: (handle: string, verifier: string, sourceIp: string | null) => Promise<DevicePolled>;
}

/** Sign-in through OpenID Connect providers: start, callback, the CLI's hand-off and device grant, and sign-out. */
export function createSsoService(d: SsoDeps): SsoService {
  const clients = new Map(d.providers.map((p) => [p.id, d.clientFor(p)]));
  const provisioning = createSsoProvisioning(d);
  const signOut = createSsoSignOut({ ...d, clients });
  const device = createSsoDevice({ ...d, clients, provision: provisioning.provision });
  const now = () => d.clock.now();
  const later = (ms: number) => new Date(now().getTime() + ms).toISOString();

  function provider(id: string): OidcProviderConfig {
    const p = d.providers.find((x) => x.id === id);
    if (!p) throw new NotFound('identity provider', id);
    return p;
  }

  async function refuse(actor: Actor, p: string, code: ErrorCode, reason: string, message: string, cli: number | null) {
    // The caller is anonymous and controls how many of these there are: bounded.
    await d.audit.recordBounded({ actor, action: 'auth.login', outcome: 'denied', details: { provider: p, reason } });
    return new SsoRefused(code, message, reason, cli);
  }

  async function start(id: string, cli: { port?: number; challenge?: string }, sourceIp: string | null) {
    const p = provider(id);
    if ((cli.port === undefined) !== (cli.challenge === undefined))
      throw new ValidationError('cli_port and cli_challenge come together');
    const state = newSecret();
    const nonce = newSecret();
    const codeVerifier = newSecret(48);
    const binding = newSecret();
    const actor: Actor = { type: 'anonymous', id: `${p.id}:sign-in`, sourceIp };
    let location: string;
    try {
      location = await clients.get(p.id)!.authorizationUrl({ state, nonce, codeVerifier });
    } catch (err) {
      throw await refuse(
        actor,
        p.id,
        ErrorCode.SsoProviderError,
        reasonOf('discovery_failed', err),
        `${p.label} cannot be reached or is misconfigured`,
        cli.port ?? null,
      );
    }
    const saved = await d.store.savePending(
      {
        state_hash: sha256Hex(state),
        provider: p.id,
        nonce,
        code_verifier: codeVerifier,
        binding_hash: sha256Hex(binding),
        cli_port: cli.port ?? null,
        cli_challenge: cli.challenge ?? null,
        expires_at: later(PENDING_TTL_MS),
      },
      now().toISOString(),
      MAX_PENDING,
    );
    if (!saved) throw new HubError(ErrorCode.RateLimited, 'too many sign-ins in progress; try again in a few minutes');
    return { location, binding };
  }

  async function callback(
    id: string,
    query: Record<string, string | undefined>,
    binding: string | undefined,
    sourceIp: string | null,
  ): Promise<CallbackResult> {
    const p = provider(id);
    const actor: Actor = { type: 'anonymous', id: `${p.id}:callback`, sourceIp };
    const state = query.state;
    const pending = state ? await d.store.takePending(sha256Hex(state), now().toISOString()) : null;
    if (!state || !pending || pending.provider !== p.id)
      throw await refuse(
        actor,
        p.id,
        ErrorCode.SsoStateInvalid,
        state ? 'unknown_or_used_state' : 'missing_state',
        'this sign-in is unknown, expired or was used already: start again',
        null,
      );
    const cli = pending.cli_port;
    // The sign-in must end in the browser that started it (login CSRF).
    if (!binding || sha256Hex(binding) !== pending.binding_hash)
      throw await refuse(
        actor,
        p.id,
        ErrorCode.SsoStateInvalid,
        'browser_mismatch',
        'this sign-in was started in another browser',
        cli,
      );
    if (query.error)
      throw await refuse(
        actor,
        p.id,
        ErrorCode.SsoProviderError,
        `provider_refused:${query.error.slice(0, 64)}`,
        `${p.label} refused the sign-in (${query.error.slice(0, 64)})`,
        cli,
      );
    const url = new URL(p.redirectUrl);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const tokens = await clients
      .get(p.id)!
      .redeem(url, { state, nonce: pending.nonce, codeVerifier: pending.code_verifier })
      .catch(async (err: unknown) => {
        throw await refuse(
          actor,
          p.id,
          ErrorCode.SsoProviderError,
          reasonOf('token_rejected', err),
          `the answer of ${p.label} did not check out`,
          cli,
        );
      });
    const signedIn = await provisioning.provision(p, tokens.claims, sourceIp).catch((err: unknown) => {
      throw err instanceof SsoRefused ? new SsoRefused(err.code, err.message, err.reason, cli) : err;
    });
    if (cli === null) {
      const session = await d.openSession(signedIn.user, sourceIp, signedIn.mfaAt);
      await signOut.remember(session.sessionToken, session.expiresAt, p, tokens);
      return { kind: 'browser', session };
    }
    const code = newSecret();
    const saved = await d.store.saveHandoff(
      {
        code_hash: sha256Hex(code),
        user_id: signedIn.user.id,
        provider: p.id,
        challenge: pending.cli_challenge ?? '',
        mfa_at: signedIn.mfaAt,
        expires_at: later(HANDOFF_TTL_MS),
      },
      now().toISOString(),
      MAX_HANDOFFS,
    );
    if (!saved) throw new SsoRefused(ErrorCode.RateLimited, 'too many sign-ins in progress', 'handoffs_full', cli);
    return { kind: 'cli', location: loopback(cli, { code }) };
  }

  async function exchange(code: string, verifier: string, sourceIp: string | null): Promise<SessionGrant> {
    const actor: Actor = { type: 'anonymous', id: 'cli:exchange', sourceIp };
    const h = await d.store.takeHandoff(sha256Hex(code), now().toISOString());
    if (!h)
      throw await refuse(
        actor,
        '-',
        ErrorCode.SsoStateInvalid,
        'unknown_or_used_code',
        'this hand-off code is unknown, expired or was used already',
        null,
      );
    // RFC 7636 §4.6: S256 of the verifier must equal the challenge sent when the sign-in started.
    if (s256(verifier) !== h.challenge)
      throw await refuse(
        actor,
        h.provider,
        ErrorCode.SsoStateInvalid,
        'verifier_mismatch',
        'the verifier does not match this sign-in',
        null,
      );
    const user = await d.users.byId(h.user_id);
    if (!user || user.disabled)
      throw await refuse(
        actor,
        h.provider,
        ErrorCode.SsoUserDisabled,
        'user_disabled',
        'this Outpost account is deactivated',
        null,
      );
    const session = await d.openSession(user, sourceIp, h.mfa_at);
    await d.audit.record({
      actor: { type: 'user', id: user.username, sourceIp },
      action: 'auth.sso.cli',
      target: `user:${user.id}`,
      details: { provider: h.provider },
    });
    return session;
  }

  return {
    /** The sign-in page's buttons. */
    providers: () => d.providers.map((p) => ({ id: p.id, label: p.label })),
    start,
    callback,
    exchange,
    signOut: signOut.signOut,
    signedOut: signOut.signedOut,
    startDevice: device.start,
    pollDevice: device.poll,
  };
}

/** Where a CLI's loopback listener receives the outcome of its sign-in (RFC 8252 §7.3). */
export function loopback(port: number, params: Record<string, string>): string {
  return `http://127.0.0.1:${port}/callback?${new URLSearchParams(params).toString()}`;
}
