import { useEffect, useState } from 'react';
import { SSO_ROUTES } from '@outpost/protocol';
import { api } from '../../app/api.js';
import type { SsoProvider } from '../../app/route-types.js';
import { loadRoute } from '../../app/use-route.js';

// Why the hub sent the browser back from a provider (`/?sso_error=<code>`), in words.
const SSO_ERRORS: Record<string, string> = {
  sso_no_mapping: 'Your account at the identity provider is in no group that gives access to Outpost.',
  sso_not_allowed: 'Your account at the identity provider may not sign in to this hub.',
  sso_user_disabled: 'This Outpost account is deactivated. Ask an administrator.',
  sso_username_taken: 'An Outpost user with your name exists already and is not linked to the identity provider.',
  sso_mfa_required: 'Sign in to the identity provider with a second factor.',
  sso_state_invalid: 'That sign-in expired or was used already. Start again.',
  sso_provider_error: 'The identity provider could not be reached, or its answer did not check out.',
  rate_limited: 'Too many sign-ins are in progress. Try again in a few minutes.',
};

/** Takes `sso_error` off the address once, so a reload does not show it again. */
function takeSsoError(): string | null {
  const url = new URL(window.location.href);
  const code = url.searchParams.get('sso_error');
  if (code === null) return null;
  url.searchParams.delete('sso_error');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  return SSO_ERRORS[code] ?? `The sign-in was refused (${code.slice(0, 64)}).`;
}

/** Takes `signed_out` off the address once: the provider's end-session page sent the browser back. */
function takeSignedOut(): string | null {
  const url = new URL(window.location.href);
  if (url.searchParams.get('signed_out') === null) return null;
  url.searchParams.delete('signed_out');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  return 'You have signed out of Outpost and of the identity provider.';
}

/** "Sign in with <provider>" for each identity provider of the hub, and why the last one was refused. */
export function SsoButtons() {
  const [providers, setProviders] = useState<SsoProvider[]>([]);
  const [error] = useState(takeSsoError);
  const [signedOut] = useState(takeSignedOut);

  useEffect(() => {
    loadRoute(SSO_ROUTES.providers)
      .then((r) => setProviders(r.items))
      .catch(() => setProviders([]));
  }, []);

  if (providers.length === 0 && !error && !signedOut) return null;
  return (
    <div className="signin-sso">
      {signedOut ? (
        <div className="notice" role="status">
          {signedOut}
        </div>
      ) : null}
      {error ? (
        <div className="notice notice-error" role="alert">
          {error}
        </div>
      ) : null}
      {providers.map((p) => (
        <button
          key={p.id}
          type="button"
          className="secondary"
          onClick={() => window.location.assign(api.sso.startPath(p.id))}
        >
          Sign in with {p.label}
        </button>
      ))}
    </div>
  );
}
