import { useState } from 'react';
import type { Role, User } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useCan, useSession } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading, PageHeader, Time } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { MfaRolePolicy } from './mfa-policy.js';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];

function NewUser({ onCreated }: { onCreated(): void }) {
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const act = useAction();
  async function create() {
    const u = await act.perform(() => api.users.create({ username: username.trim(), password, role }));
    if (!u) return;
    setOpen(false);
    setUsername('');
    setPassword('');
    onCreated();
  }
  return (
    <>
      <button type="button" className="primary" data-mutates="" onClick={() => setOpen(true)}>
        New user…
      </button>
      <Dialog title="New user" open={open} onClose={() => setOpen(false)} onSubmit={() => void create()} submitLabel="Create user" busy={act.busy}>
        <div className="field">
          <label htmlFor="new-username">Username</label>
          <input id="new-username" value={username} onChange={(e) => setUsername(e.target.value)} required pattern="[a-zA-Z0-9_.@\-]{1,64}" autoComplete="off" autoFocus />
        </div>
        <div className="field">
          <label htmlFor="new-password">Initial password</label>
          <input id="new-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={10} autoComplete="new-password" />
          <div className="hint">At least 10 characters. Share it out of band; the user can be asked to change it.</div>
        </div>
        <div className="field">
          <label htmlFor="new-role">Role</label>
          <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <ErrorBox error={act.error} />
      </Dialog>
    </>
  );
}

function UserRow({ u, self, onChanged }: { u: User; self: boolean; onChanged(): void }) {
  const act = useAction();
  const [confirmReset, setConfirmReset] = useState(false);
  const update = (patch: { role?: Role; disabled?: boolean }) => void act.perform(() => api.users.update(u.id, patch)).then((r) => r && onChanged());
  return (
    <tr className={u.disabled ? 'row-muted' : undefined}>
      <td className="strong">
        {u.username}
        {self ? <span className="muted"> (you)</span> : null}
      </td>
      <td>
        {self ? (
          u.role
        ) : (
          <>
            <label className="sr-only" htmlFor={`role-${u.id}`}>
              Role of {u.username}
            </label>
            <select id={`role-${u.id}`} value={u.role} data-mutates="" disabled={act.busy} onChange={(e) => update({ role: e.target.value as Role })}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </>
        )}
      </td>
      <td>{u.groups?.length ? u.groups.join(', ') : <span className="muted">all devices</span>}</td>
      <td>
        <Time iso={u.lastLoginAt} />
      </td>
      <td>{u.disabled ? 'disabled' : 'active'}</td>
      <td className="actions">
        {self ? null : (
          <>
            <button type="button" className="link" data-mutates="" onClick={() => update({ disabled: !u.disabled })}>
              {u.disabled ? 'Enable' : 'Disable'}
            </button>
            <button type="button" className="link" data-mutates="" onClick={() => setConfirmReset(true)}>
              Reset second factor
            </button>
          </>
        )}
        <ErrorBox error={act.error} />
        <Dialog
          title="Reset second factor"
          open={confirmReset}
          onClose={() => setConfirmReset(false)}
          danger
          submitLabel="Reset and sign out"
          busy={act.busy}
          onSubmit={() =>
            void act.perform(async () => (await api.mfa.reset(u.id), true)).then((ok) => {
              if (!ok) return;
              setConfirmReset(false);
              onChanged();
            })
          }
        >
          <p>{u.username} is signed out everywhere and sets up a new authenticator at the next sign-in (if their role requires one).</p>
        </Dialog>
      </td>
    </tr>
  );
}

export function UsersPage() {
  const session = useSession();
  const can = useCan();
  const users = useAsync(() => api.users.list(), []);
  return (
    <>
      <PageHeader title="Users" subtitle="Admins manage everything, operators act on devices, viewers only look." actions={can('admin') ? <NewUser onCreated={users.reload} /> : null} />
      <ErrorBox error={users.error} />
      {users.loading && !users.data ? <Loading /> : null}
      {users.data?.items.length === 0 ? <Empty>No users.</Empty> : null}
      {users.data && users.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Role</th>
                <th scope="col">Scope</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <UserRow key={u.id} u={u} self={u.id === session.user.id} onChanged={users.reload} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {can('admin') ? <MfaRolePolicy /> : null}
    </>
  );
}
