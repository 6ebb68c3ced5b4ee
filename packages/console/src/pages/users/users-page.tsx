import { useState } from 'react';
import { ROLES, type Role, USERS_ROUTES } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { useCan, useSession } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import type { User } from '../../app/route-types.js';
import { useRoute } from '../../app/use-route.js';
import { CopyField, ErrorBox, PageHeader, Time } from '../../ui/bits.js';
import { DataTable, type Column, type RowAction } from '../../ui/data-table.js';
import { FormDialog } from '../../ui/form-dialog.js';
import { MfaRolePolicy } from './mfa-policy.js';

/** A password for an admin's reset, shown once: 15 random bytes, base64url (as the CLI makes them). */
function generatedPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(15));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
}

function NewUser({ onCreated }: { onCreated(): void }) {
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  function created() {
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
      <FormDialog
        title="New user"
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={() => api.users.create({ username: username.trim(), password, role })}
        onDone={created}
        submitLabel="Create user"
      >
        <div className="field">
          <label htmlFor="new-username">Username</label>
          <input
            id="new-username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            pattern="[a-zA-Z0-9_.@\-]{1,64}"
            autoComplete="off"
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="new-password">Initial password</label>
          <input
            id="new-password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            minLength={10}
            autoComplete="new-password"
          />
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
      </FormDialog>
    </>
  );
}

function RoleSelect({ u, onChanged }: { u: User; onChanged(): void }) {
  const act = useAction();
  const change = (role: Role) => void act.perform(() => api.users.update(u.id, { role })).then((r) => r && onChanged());
  return (
    <>
      <label className="sr-only" htmlFor={`role-${u.id}`}>
        Role of {u.username}
      </label>
      <select
        id={`role-${u.id}`}
        value={u.role}
        data-mutates=""
        disabled={act.busy}
        onChange={(e) => change(e.target.value as Role)}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <ErrorBox error={act.error} />
    </>
  );
}

/** Group paths typed as text: separated by spaces, commas or new lines. */
export function parseScope(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((p) => p.length > 0))];
}

function ScopeEditor({ u, onChanged }: { u: User; onChanged(): void }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  function show() {
    setText((u.groups ?? []).join('\n'));
    setOpen(true);
  }
  return (
    <>
      <button type="button" data-mutates="" onClick={show} aria-label={`Edit scope of ${u.username}`}>
        Edit scope…
      </button>
      <FormDialog
        title={`Scope of ${u.username}`}
        open={open}
        onClose={() => setOpen(false)}
        onSubmit={() => api.users.update(u.id, { groups: parseScope(text) })}
        onDone={() => {
          setOpen(false);
          onChanged();
        }}
        submitLabel="Save scope"
      >
        <div className="field">
          <label htmlFor={`scope-${u.id}`}>Groups</label>
          <textarea id={`scope-${u.id}`} value={text} rows={4} onChange={(e) => setText(e.target.value)} />
          <div className="hint">
            One group path per line, such as plant/pumps. The user sees and acts on the devices of these groups and
            their subgroups only, on every page and stream. Leave empty for every device.
          </div>
        </div>
      </FormDialog>
    </>
  );
}

function columns(selfId: string, onChanged: () => void): Column<User>[] {
  return [
    {
      key: 'user',
      header: 'User',
      className: 'strong',
      cell: (u) => (
        <>
          {u.username}
          {u.id === selfId ? <span className="muted"> (you)</span> : null}
        </>
      ),
    },
    {
      key: 'role',
      header: 'Role',
      cell: (u) => (u.id === selfId ? u.role : <RoleSelect u={u} onChanged={onChanged} />),
    },
    {
      key: 'scope',
      header: 'Scope',
      cell: (u) => (u.groups?.length ? u.groups.join(', ') : <span className="muted">all devices</span>),
    },
    { key: 'login', header: 'Last sign-in', cell: (u) => <Time iso={u.lastLoginAt} /> },
    { key: 'status', header: 'Status', cell: (u) => (u.disabled ? 'disabled' : 'active') },
  ];
}

export function UsersPage() {
  const session = useSession();
  const can = useCan();
  const users = useRoute(USERS_ROUTES.listUsers);
  const act = useAction();
  const [issued, setIssued] = useState<{ username: string; password: string } | null>(null);
  const self = (u: User) => u.id === session.user.id;
  const actions: RowAction<User>[] = [
    { label: 'Edit scope', min: 'admin', render: (u) => <ScopeEditor u={u} onChanged={users.reload} /> },
    {
      label: 'Reset password',
      hidden: self,
      confirm: (u) => ({
        title: 'Reset password',
        confirmLabel: 'Reset and sign out',
        body: (
          <p>
            {u.username} gets a new password, shown to you once, and is signed out everywhere. Give it to them by a
            channel you trust; they can change it on their account page.
          </p>
        ),
        run: async () => {
          const password = generatedPassword();
          await api.users.update(u.id, { password });
          setIssued({ username: u.username, password });
        },
        onDone: users.reload,
      }),
    },
    {
      label: (u) => (u.disabled ? 'Enable' : 'Disable'),
      hidden: self,
      onClick: (u) =>
        void act.perform(() => api.users.update(u.id, { disabled: !u.disabled })).then((r) => r && users.reload()),
    },
    {
      label: 'Reset second factor',
      hidden: self,
      confirm: (u) => ({
        title: 'Reset second factor',
        confirmLabel: 'Reset and sign out',
        body: (
          <p>
            {u.username} is signed out everywhere and sets up a new authenticator at the next sign-in (if their role
            requires one).
          </p>
        ),
        run: () => api.mfa.reset(u.id),
        onDone: users.reload,
      }),
    },
  ];
  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Admins manage everything, operators act on devices, viewers only look, technicians open remote sessions, auditors read the audit log, reports and compliance. A scope confines a user to some groups."
        actions={can('admin') ? <NewUser onCreated={users.reload} /> : null}
      />
      {issued ? (
        <div className="notice notice-ok stack" role="status">
          <span>New password of {issued.username} (shown once):</span>
          <CopyField label="Password" value={issued.password} />
          <div>
            <button type="button" onClick={() => setIssued(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <DataTable
        columns={columns(session.user.id, users.reload)}
        rows={users.data?.items}
        rowKey={(u) => u.id}
        rowClass={(u) => (u.disabled ? 'row-muted' : undefined)}
        actions={actions}
        loading={users.loading}
        error={users.error ?? act.error}
        empty="No users."
      />
      {can('admin') ? <MfaRolePolicy /> : null}
    </>
  );
}
