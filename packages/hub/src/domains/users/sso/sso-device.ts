import { ErrorCode, type SessionGrant } from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { HubError, NotFound } from '../../../platform/errors.js';
import { newSecret, sha256Hex } from '../../../platform/ids.js';
import type { OidcProviderConfig } from '../../../config/oidc-providers.js';
import type { Actor, AuditLog } from '../../audit/index.js';
import type { UserWithHash } from '../users.store.js';
import type { DeviceAuthorization, OidcClient } from './oidc-client.js';
import type { Provisioned } from './sso-provisioning.js';
import { reasonOf, s256 } from './sso-reasons.js';
import { SsoRefused } from './sso-refused.js';
import type { SsoFlowsStore } from './sso-flows.store.js';

// Device grants waiting at once (anonymous callers start them), and the longest a code may live whatever the provider says.
const MAX_DEVICE_GRANTS = 1_000;
const MAX_LIFETIME_S = 30 * 60;
// RFC 8628 §3.5: slow_down adds 5 seconds to the interval; the interval never grows past a minute.
const SLOW_DOWN_S = 5;
const MAX_INTERVAL_S = 60;

export interface SsoDeviceDeps {
  providers: OidcProviderConfig[];
  clients: Map<string, OidcClient>;
  flows: SsoFlowsStore;
  audit: AuditLog;
  clock: Clock;
  provision: (p: OidcProviderConfig, claims: Record<string, unknown>, sourceIp: string | null) => Promise<Provisioned>;
  openSession: (user: UserWithHash, sourceIp: string | null, mfaAt: string | null) => Promise<SessionGrant>;
}

export type DeviceStarted = Omit<DeviceAuthorization, 'deviceCode'> & { handle: string };
export type DevicePolled =
  { status: 'pending' | 'slow_down'; interval: number } | ({ status: 'signed_in' } & SessionGrant);

/**
 * The device authorization grant (RFC 8628) for a CLI without a browser: the hub is the client of
 * the provider and keeps the device code; the CLI holds an opaque handle and the verifier of the
 * challenge it started with, and polls the hub, which asks the provider at most once per interval.
 */
export function createSsoDevice(d: SsoDeviceDeps) {
  const now = () => d.clock.now();
  const at = (plusS: number) => new Date(now().getTime() + plusS * 1000).toISOString();

  async function refuse(actor: Actor, p: string, code: ErrorCode, reason: string, message: string) {
    await d.audit.recordBounded({ actor, action: 'auth.login', outcome: 'denied', details: { provider: p, reason } });
    return new SsoRefused(code, message, reason);
  }

  async function start(providerId: string, challenge: string, sourceIp: string | null): Promise<DeviceStarted> {
    const p = d.providers.find((x) => x.id === providerId);
    if (!p) throw new NotFound('identity provider', providerId);
    if (!p.deviceFlow) throw new HubError(ErrorCode.SsoNotEnabled, `device sign-in is not enabled for ${p.label}`);
    const actor: Actor = { type: 'anonymous', id: `${p.id}:device`, sourceIp };
    const nonce = newSecret();
    const auth = await d.clients
      .get(p.id)!
      .startDevice({ nonce })
      .catch(async (err: unknown) => {
        const reason = reasonOf('device_authorization_failed', err);
        throw await refuse(
          actor,
          p.id,
          ErrorCode.SsoProviderError,
          reason,
          `${p.label} refused to start a device sign-in`,
        );
      });
    if (!auth) throw new HubError(ErrorCode.SsoNotEnabled, `${p.label} offers no device sign-in`);
    const handle = newSecret();
    const interval = Math.min(Math.max(1, auth.interval), MAX_INTERVAL_S);
    const expiresIn = Math.min(Math.max(1, auth.expiresIn), MAX_LIFETIME_S);
    const saved = await d.flows.saveDeviceGrant(
      {
        handle_hash: sha256Hex(handle),
        provider: p.id,
        device_code: auth.deviceCode,
        challenge,
        nonce,
        interval_s: interval,
        next_poll_at: at(0),
        expires_at: at(expiresIn),
      },
      now().toISOString(),
      MAX_DEVICE_GRANTS,
    );
    if (!saved) throw new HubError(ErrorCode.RateLimited, 'too many sign-ins in progress; try again in a few minutes');
    const { deviceCode: _kept, ...shown } = auth;
    return { ...shown, interval, expiresIn, handle };
  }

  async function poll(handle: string, verifier: string, sourceIp: string | null): Promise<DevicePolled> {
    const handleHash = sha256Hex(handle);
    const g = await d.flows.deviceGrant(handleHash);
    const actor: Actor = { type: 'anonymous', id: `${g?.provider ?? '-'}:device`, sourceIp };
    if (!g)
      throw await refuse(
        actor,
        '-',
        ErrorCode.SsoStateInvalid,
        'unknown_device_handle',
        'this sign-in is unknown or over',
      );
    // Only the process that started the sign-in holds the verifier of its challenge.
    if (s256(verifier) !== g.challenge)
      throw await refuse(
        actor,
        g.provider,
        ErrorCode.SsoStateInvalid,
        'verifier_mismatch',
        'the verifier does not match this sign-in',
      );
    const p = d.providers.find((x) => x.id === g.provider);
    if (!p || g.expires_at <= now().toISOString()) {
      await d.flows.deleteDeviceGrant(handleHash);
      throw await refuse(
        actor,
        g.provider,
        ErrorCode.SsoDeviceExpired,
        'expired_token',
        'the code expired before it was approved: start again',
      );
    }
    // Polled before the interval is over, or another poll is asking the provider now: the provider is not asked.
    if (now().toISOString() < g.next_poll_at) return { status: 'pending', interval: g.interval_s };
    const turn = { nextPollAt: at(g.interval_s), intervalS: g.interval_s };
    if (!(await d.flows.claimPoll(handleHash, g.next_poll_at, turn)))
      return { status: 'pending', interval: g.interval_s };
    const answer = await d.clients
      .get(p.id)!
      .pollDevice(g.device_code, { nonce: g.nonce })
      .catch(async (err: unknown) => {
        await d.flows.deleteDeviceGrant(handleHash);
        throw await refuse(
          actor,
          p.id,
          ErrorCode.SsoProviderError,
          reasonOf('token_rejected', err),
          `the answer of ${p.label} did not check out`,
        );
      });
    switch (answer.kind) {
      case 'authorization_pending':
        return { status: 'pending', interval: g.interval_s };
      case 'slow_down': {
        const interval = Math.min(g.interval_s + SLOW_DOWN_S, MAX_INTERVAL_S);
        await d.flows.claimPoll(handleHash, turn.nextPollAt, { nextPollAt: at(interval), intervalS: interval });
        return { status: 'slow_down', interval };
      }
      case 'access_denied':
        await d.flows.deleteDeviceGrant(handleHash);
        throw await refuse(
          actor,
          p.id,
          ErrorCode.SsoAccessDenied,
          'access_denied',
          `the sign-in was denied at ${p.label}`,
        );
      case 'expired_token':
        await d.flows.deleteDeviceGrant(handleHash);
        throw await refuse(
          actor,
          p.id,
          ErrorCode.SsoDeviceExpired,
          'expired_token',
          'the code expired before it was approved: start again',
        );
    }
    await d.flows.deleteDeviceGrant(handleHash);
    const signedIn = await d.provision(p, answer.claims, sourceIp);
    const session = await d.openSession(signedIn.user, sourceIp, signedIn.mfaAt);
    await d.audit.record({
      actor: { type: 'user', id: signedIn.user.username, sourceIp },
      action: 'auth.sso.cli',
      target: `user:${signedIn.user.id}`,
      details: { provider: p.id, flow: 'device' },
    });
    return { status: 'signed_in', ...session };
  }

  return { start, poll };
}
