import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutpostClient } from '@outpost/client';

/** Exit statuses of `outpost login --sso <provider> --device` when the provider says no. */
export const EXIT_SSO_DENIED = 5;
export const EXIT_SSO_EXPIRED = 6;

export type DeviceLoginResult =
  | { ok: true; sessionToken: string; expiresAt: string; user: { username: string; role: string } }
  | { ok: false; exitCode: number; message: string };

/**
 * Sign-in through an identity provider on a machine without a browser (RFC 8628): the hub starts
 * a device grant at the provider, this prints the address and the code to enter on another device,
 * then polls the hub (which asks the provider) at the interval the provider set, slower when told.
 * Only this process can collect the session: it kept the verifier of the challenge it started with.
 */
export async function ssoDeviceLogin(
  client: OutpostClient,
  provider: string,
  show: (lines: string[]) => void,
): Promise<DeviceLoginResult> {
  const { ApiError } = await import('@outpost/client');
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const started = await client.sso.deviceStart(provider, challenge);
  show([
    `To sign in with ${provider}, open ${started.verificationUri} on any device and enter the code ${started.userCode}`,
    ...(started.verificationUriComplete ? [`(or open ${started.verificationUriComplete})`] : []),
    `The code expires in ${Math.round(started.expiresIn / 60) || 1} min. Waiting for approval…`,
  ]);
  let interval = started.interval;
  for (;;) {
    await sleep(interval * 1000);
    try {
      const r = await client.sso.devicePoll(started.handle, verifier);
      if (r.status === 'signed_in') return { ok: true, ...r };
      interval = r.interval;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 'sso_access_denied')
        return {
          ok: false,
          exitCode: EXIT_SSO_DENIED,
          message: `the sign-in was refused at ${provider} (access_denied)`,
        };
      if (err.code === 'sso_device_expired')
        return {
          ok: false,
          exitCode: EXIT_SSO_EXPIRED,
          message: `the code expired before it was approved (expired_token): run the command again`,
        };
      throw err;
    }
  }
}
