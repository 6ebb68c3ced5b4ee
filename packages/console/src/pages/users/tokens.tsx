import { useState } from 'react';
import type { Role } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { roleAtLeast, useCan, useSession } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { CopyField, Empty, ErrorBox, Loading, PageHeader, Time } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';

function NewToken({ onCreated }: { onCreated(): void }) {
  const session = useSession();
  const roles = (['viewer', 'operator', 'admin'] as Role[]).filter((r) => roleAtLeast(session.user.role, r));
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState(90);
  const [secret, setSecret] = useState<string | null>(null);
  const act = useAction();
  async function create() {
    const r = await act.perform(() => api.tokens.create({ name: name.trim(), role, ...(days > 0 ? { expiresInDays: days } : {}) }));
    if (!r) return;
    setSecret(r.token);
    onCreated();
  }
  function close() {
    setOpen(false);
    setSecret(null);
    setName('');
  }
  return (
    <>
      <button type="button" className="primary" data-mutates="" onClick={() => setOpen(true)}>
        New token…
      </button>
      <Dialog title={secret ? 'Token created' : 'New API token'} open={open} onClose={close} onSubmit={secret ? undefined : () => void create()} submitLabel="Create token" busy={act.busy}>
        {secret ? (
          <>
            <div className="notice notice-warn" role="status">
              Copy the token now: it is shown only this once. Send it as <code>Authorization: Bearer …</code>.
            </div>
            <CopyField label="API token" value={secret} />
          </>
        ) : (
          <>
            <div className="field">
              <label htmlFor="token-name">Name</label>
              <input id="token-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} placeholder="nightly inventory export" autoFocus />
            </div>
            <div className="field">
              <label htmlFor="token-role">Role</label>
              <select id="token-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {roles.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <div className="hint">A token never has more power than you have.</div>
            </div>
            <div className="field">
              <label htmlFor="token-days">Expires after (days, 0 for never)</label>
              <input id="token-days" type="number" min={0} max={3650} value={days} onChange={(e) => setDays(Number(e.target.value))} />
            </div>
            <ErrorBox error={act.error} />
          </>
        )}
      </Dialog>
    </>
  );
}

export function TokensPage() {
  const can = useCan();
  const tokens = useAsync(() => api.tokens.list(), []);
  const act = useAction();
  return (
    <>
      <PageHeader title="API tokens" subtitle="For scripts and integrations; each acts with its own role and is audited under its owner." actions={can('operator') ? <NewToken onCreated={tokens.reload} /> : undefined} />
      <ErrorBox error={tokens.error ?? act.error} />
      {tokens.loading && !tokens.data ? <Loading /> : null}
      {tokens.data?.items.length === 0 ? <Empty>No API tokens.</Empty> : null}
      {tokens.data && tokens.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                {can('operator') ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {tokens.data.items.map((t) => (
                <tr key={t.id}>
                  <td className="strong">{t.name}</td>
                  <td>{t.role}</td>
                  <td>
                    <Time iso={t.createdAt} />
                  </td>
                  <td>
                    <Time iso={t.lastUsedAt} />
                  </td>
                  <td>{t.expiresAt ? <Time iso={t.expiresAt} /> : 'never'}</td>
                  {can('operator') ? (
                    <td className="actions">
                      <button type="button" className="link danger-text" data-mutates="" onClick={() => void act.perform(async () => (await api.tokens.revoke(t.id), true)).then((ok) => ok && tokens.reload())}>
                        Revoke
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
