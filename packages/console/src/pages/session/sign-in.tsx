import { useRef, useState, type FormEvent } from 'react';
import type { Role } from '@outpost/protocol';
import { api, describeError, isApiError } from '../../app/api.js';
import { SsoButtons } from './sso-buttons.js';

export interface SignedIn {
  user: { id: string; username: string; role: Role };
  expiresAt: string;
}

/** Password, then the authenticator code when the hub asks for one (mfa_required). */
export function SignInPage({ note, onSignedIn }: { note?: string; onSignedIn(s: SignedIn): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [needOtp, setNeedOtp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const otpRef = useRef<HTMLInputElement>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.login(username, password, needOtp ? otp.trim() : undefined);
      onSignedIn({ user: { id: r.user.id, username: r.user.username, role: r.user.role }, expiresAt: r.expiresAt });
    } catch (err) {
      if (isApiError(err, 'mfa_required')) {
        setNeedOtp(true);
        window.setTimeout(() => otpRef.current?.focus(), 0);
      } else {
        setError(describeError(err));
        if (isApiError(err, 'mfa_invalid')) {
          setOtp('');
          otpRef.current?.focus();
        }
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <div className="brand signin-brand">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          Outpost
        </div>
        <h1 id="signin-title">Sign in</h1>
        {note ? (
          <div className="notice notice-warn" role="status">
            {note}
          </div>
        ) : null}
        <div className="field">
          <label htmlFor="username">Username</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            disabled={needOtp}
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            disabled={needOtp}
          />
        </div>
        {needOtp ? (
          <div className="field">
            <label htmlFor="otp">Authenticator code</label>
            <input
              id="otp"
              ref={otpRef}
              name="otp"
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              value={otp}
              onChange={(e) => setOtp(e.target.value)}
              aria-describedby="otp-hint"
            />
            <div className="hint" id="otp-hint">
              The 6-digit code from your authenticator app, or one of your recovery codes (xxxxx-xxxxx).
            </div>
          </div>
        ) : null}
        {error ? (
          <div className="notice notice-error" role="alert">
            {error}
          </div>
        ) : null}
        <div className="signin-actions">
          {needOtp ? (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setNeedOtp(false);
                setOtp('');
                setError(null);
              }}
            >
              Back
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : needOtp ? 'Verify' : 'Sign in'}
          </button>
        </div>
        {needOtp ? null : <SsoButtons />}
      </form>
    </div>
  );
}
