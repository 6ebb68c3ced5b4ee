import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api } from './api.js';
import { RouterProvider, match, useLocation } from './router.js';
import { SessionContext, forgetExpiry, recalledExpiry, rememberExpiry, type SessionUser } from './session.js';
import { LiveProvider } from './live.js';
import { Layout } from '../ui/layout.js';
import { StepUpPrompt } from '../ui/step-up.js';
import { Loading, PageHeader } from '../ui/bits.js';
import { SignInPage } from '../pages/session/sign-in.js';
import { MfaSetup } from '../pages/users/mfa-setup.js';
import { ROUTES } from './routes.js';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; note?: string }
  | { kind: 'mfa-setup'; user: SessionUser; expiresAt: string | null }
  | { kind: 'in'; user: SessionUser; expiresAt: string | null };

function Pages() {
  const { path } = useLocation();
  for (const [pattern, render] of ROUTES) {
    const params = match(pattern, path);
    if (params) return <>{render(params)}</>;
  }
  return (
    <PageHeader title="Page not found" subtitle={`Nothing lives at ${path}. Use the navigation to find your way.`} />
  );
}

function Shell() {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const load = useCallback(async (note?: string) => {
    try {
      const me = await api.me();
      const user = { id: me.id, username: me.username, role: me.role };
      const expiresAt = recalledExpiry(me.username);
      setState(me.mfa?.mustEnroll ? { kind: 'mfa-setup', user, expiresAt } : { kind: 'in', user, expiresAt });
    } catch {
      setState({ kind: 'signed-out', note });
    }
  }, []);

  useEffect(() => void load(), [load]);

  useEffect(() => {
    const ended = () =>
      setState((s) =>
        s.kind === 'signed-out'
          ? s
          : { kind: 'signed-out', note: 'Your session has ended. Sign in again to continue.' },
      );
    window.addEventListener('outpost:unauthenticated', ended);
    return () => window.removeEventListener('outpost:unauthenticated', ended);
  }, []);

  // Leave the page when the session expires rather than let the next click fail.
  const expiresAt = state.kind === 'in' ? state.expiresAt : null;
  useEffect(() => {
    if (!expiresAt) return;
    const ms = Date.parse(expiresAt) - Date.now();
    const t = window.setTimeout(
      () => window.dispatchEvent(new CustomEvent('outpost:unauthenticated')),
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    return () => window.clearTimeout(t);
  }, [expiresAt]);

  async function signOut() {
    let endSessionUrl: string | undefined;
    try {
      endSessionUrl = (await api.logout()).endSessionUrl;
    } catch {
      // Signed out either way: the cookie is gone or was already invalid.
    }
    forgetExpiry();
    // Signed in through an identity provider: its end-session page ends that session too, then comes back.
    if (endSessionUrl) return window.location.assign(endSessionUrl);
    setState({ kind: 'signed-out', note: 'You have signed out.' });
  }

  if (state.kind === 'loading') return <Loading label="Opening the console…" />;
  if (state.kind === 'signed-out') {
    return (
      <SignInPage
        note={state.note}
        onSignedIn={(s) => {
          rememberExpiry(s.user.username, s.expiresAt);
          void load();
        }}
      />
    );
  }
  const session = { user: state.user, expiresAt: state.expiresAt, signOut: () => void signOut() };
  if (state.kind === 'mfa-setup') {
    return (
      <SessionContext.Provider value={session}>
        <div className="signin">
          <div className="signin-card wide">
            <h1>Set up a second factor</h1>
            <MfaSetup required onDone={() => void load()} />
          </div>
        </div>
      </SessionContext.Provider>
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <LiveProvider>
        <Layout>
          <Pages />
        </Layout>
        <StepUpPrompt />
      </LiveProvider>
    </SessionContext.Provider>
  );
}

export function App(): ReactNode {
  return (
    <RouterProvider>
      <Shell />
    </RouterProvider>
  );
}
