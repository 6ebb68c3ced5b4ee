import { useState, type FormEvent } from 'react';
import type { MfaEnrollment } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { CopyField, ErrorBox } from '../../ui/bits.js';

/** Enrolls an authenticator: QR code (or the secret typed by hand), first code, recovery codes once. */
export function MfaSetup({ onDone, required }: { onDone(): void; required?: boolean }) {
  const [enrollment, setEnrollment] = useState<MfaEnrollment | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const start = useAction();
  const confirm = useAction();

  async function begin() {
    const e = await start.perform(() => api.mfa.enroll());
    if (e) setEnrollment(e);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await confirm.perform(() => api.mfa.confirm(code.trim()));
    if (r) setCodes(r.recoveryCodes);
  }

  if (codes) {
    return (
      <div className="stack">
        <div className="notice notice-ok" role="status">
          Your authenticator is set up. From now on, sign-in asks for its code.
        </div>
        <p>
          Keep these recovery codes somewhere safe. Each works once, in place of a code, if you lose the authenticator.
          They are not shown again.
        </p>
        <CopyField label="Recovery codes" value={codes.join('\n')} multiline />
        <div>
          <button type="button" className="primary" onClick={onDone}>
            Continue
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="stack">
      {required ? (
        <div className="notice notice-warn" role="status">
          Your role requires a second factor. Set up an authenticator app (any TOTP app) before you continue.
        </div>
      ) : null}
      {!enrollment ? (
        <div>
          <button type="button" className="primary" onClick={() => void begin()} disabled={start.busy}>
            Set up an authenticator
          </button>
          <ErrorBox error={start.error} />
        </div>
      ) : (
        <form className="stack" onSubmit={(e) => void submit(e)}>
          <p>Scan this code with the authenticator app, or type the secret into it by hand.</p>
          <img
            className="qr"
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrollment.qrSvg)}`}
            alt="QR code of the authenticator secret"
            width={180}
            height={180}
          />
          <CopyField label="Secret" value={enrollment.secret} />
          <div className="field">
            <label htmlFor="mfa-code">Code shown by the app</label>
            <input
              id="mfa-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </div>
          <ErrorBox error={confirm.error} />
          <div>
            <button type="submit" className="primary" disabled={confirm.busy}>
              Confirm
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
