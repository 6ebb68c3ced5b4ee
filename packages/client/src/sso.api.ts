import { SSO_ROUTES as S, routeUrl, type SessionGrant, type SsoProvider } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** A device sign-in started at a provider (RFC 8628): what to show the user, and the handle to poll with. */
export interface SsoDeviceStart {
  handle: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  expiresIn: number;
  interval: number;
}

export type SsoDevicePoll =
  { status: 'pending' | 'slow_down'; interval: number } | ({ status: 'signed_in' } & SessionGrant);

/** Single sign-on: the identity providers of the hub, and the CLI's loopback hand-off. */
export function ssoApi(r: RouteCaller) {
  return {
    sso: {
      /** The identity providers users may sign in with (public). */
      providers: () => r<{ items: SsoProvider[] }>(S.providers),
      /**
       * The address to open in a browser to sign in through `provider`; with `cli`, the hub sends
       * the browser back to `http://127.0.0.1:<port>/callback` with a one-time code.
       */
      startPath: (provider: string, cli?: { port: number; challenge: string }) =>
        routeUrl(S.start, { provider }, cli ? { cli_port: cli.port, cli_challenge: cli.challenge } : {}),
      /** Redeems a CLI hand-off code with the PKCE verifier whose S256 challenge started the sign-in. */
      exchange: (code: string, verifier: string) => r<SessionGrant>(S.exchange, { body: { code, verifier } }),
      /** Starts a device sign-in; `challenge` is the S256 of a verifier presented with every poll. */
      deviceStart: (provider: string, challenge: string) =>
        r<SsoDeviceStart>(S.deviceStart, { params: { provider }, body: { challenge } }),
      /** Asks once whether the user approved the device sign-in; refused when denied or expired. */
      devicePoll: (handle: string, verifier: string) => r<SsoDevicePoll>(S.devicePoll, { body: { handle, verifier } }),
    },
  };
}
