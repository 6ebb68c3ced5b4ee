import { useState, type FormEvent } from 'react';
import { api } from '../../app/api.js';
import { useAction } from '../../app/use-async.js';
import { ErrorBox } from '../../ui/bits.js';

/** The signed-in user's own password: the current one proves it; other sessions end. */
export function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const act = useAction();
  const mismatch = repeat !== '' && next !== repeat;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    const r = await act.perform(() => api.changePassword(current, next));
    if (!r) return;
    setCurrent('');
    setNext('');
    setRepeat('');
    setDone(true);
  }

  return (
    <form className="stack" onSubmit={(e) => void submit(e)} aria-label="Change password">
      {done ? (
        <div className="notice notice-ok" role="status">
          Password changed. Your other sessions were signed out.
        </div>
      ) : null}
      <label htmlFor="current-password">Current password</label>
      <input
        id="current-password"
        type="password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        autoComplete="current-password"
        required
      />
      <label htmlFor="next-password">New password (at least 10 characters)</label>
      <input
        id="next-password"
        type="password"
        value={next}
        onChange={(e) => setNext(e.target.value)}
        autoComplete="new-password"
        minLength={10}
        required
      />
      <label htmlFor="repeat-password">New password again</label>
      <input
        id="repeat-password"
        type="password"
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
        autoComplete="new-password"
        required
      />
      {mismatch ? <p className="field-error">The two new passwords differ.</p> : null}
      <ErrorBox error={act.error} />
      <div>
        <button type="submit" className="primary" disabled={act.busy || mismatch || next.length < 10}>
          Change password
        </button>
      </div>
    </form>
  );
}
