import { useState } from 'react';
import { USERS_ROUTES, type Role } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useSession } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { ErrorBox, Loading } from '../../ui/bits.js';

const ROLES: Role[] = ['viewer', 'operator', 'admin', 'technician', 'auditor'];

/**
 * Which roles must have a second factor (admins). A member of a required role without one can
 * only set one up, from their next request on.
 */
export function MfaRolePolicy() {
  const session = useSession();
  const current = useRoute(USERS_ROUTES.mfaPolicy);
  const mine = useRoute(USERS_ROUTES.mfaStatus);
  const [edits, setEdits] = useState<Partial<Record<Role, boolean>>>({});
  const [saved, setSaved] = useState(false);
  const act = useAction();
  const draft = current.data ? { ...current.data, ...edits } : null;
  const changed = !!draft && ROLES.some((r) => draft[r] !== current.data![r]);
  const lockingMyself = !!draft?.[session.user.role] && mine.data?.enrolled === false;

  async function save() {
    if (!draft) return;
    setSaved(false);
    const r = await act.perform(() => api.mfa.setPolicy(draft));
    if (!r) return;
    current.setData(() => r);
    setEdits({});
    setSaved(true);
  }

  return (
    <section className="card section-gap" aria-labelledby="mfa-policy-title">
      <h2 id="mfa-policy-title">Second factor by role</h2>
      <ErrorBox error={current.error ?? act.error} />
      {current.loading && !current.data ? <Loading /> : null}
      {draft ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <fieldset className="radios">
            <legend>Roles that must use an authenticator app</legend>
            {ROLES.map((r) => (
              <label key={r} className="check">
                <input
                  type="checkbox"
                  checked={draft[r]}
                  onChange={(e) => setEdits({ ...edits, [r]: e.target.checked })}
                />{' '}
                {r}s
              </label>
            ))}
          </fieldset>
          <p className="hint">
            Members of a required role who have no second factor can do nothing but set one up, from their next request
            on. Remote access, write grants and rollouts ask for a fresh code from anyone who has one.
          </p>
          {lockingMyself ? (
            <div className="notice notice-warn">
              You have no second factor yet: after saving, you must set one up before anything else.
            </div>
          ) : null}
          <div className="row">
            <button type="submit" className="primary" data-mutates="" disabled={!changed || act.busy}>
              {act.busy ? 'Working…' : 'Save second-factor rule'}
            </button>
            {saved && !changed ? (
              <span className="muted" role="status">
                Saved.
              </span>
            ) : null}
          </div>
        </form>
      ) : null}
    </section>
  );
}
