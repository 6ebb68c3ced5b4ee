import { useState } from 'react';
import { USERS_ROUTES, type Role } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { roleAtLeast, useCan, useSession } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { CopyField, ErrorBox, PageHeader, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
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
    const r = await act.perform(() =>
      api.tokens.create({ name: name.trim(), role, ...(days > 0 ? { expiresInDays: days } : {}) }),
    );
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
      <Dialog
        title={secret ? 'Token created' : 'New API token'}
        open={open}
        onClose={close}
        onSubmit={secret ? undefined : () => void create()}
        submitLabel="Create token"
        busy={act.busy}
      >
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
              <input
                id="token-name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                required
                maxLength={64}
                placeholder="nightly inventory export"
                autoFocus
              />
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
              <input
                id="token-days"
                type="number"
                min={0}
                max={3650}
                value={days}
                onChange={(e) => setDays(Number(e.target.value))}
              />
            </div>
            <ErrorBox error={act.error} />
          </>
        )}
      </Dialog>
    </>
  );
}

type TokenRow = Awaited<ReturnType<typeof api.tokens.list>>['items'][number];

const COLUMNS: Column<TokenRow>[] = [
  { key: 'name', header: 'Name', cell: (t) => t.name, className: 'strong' },
  { key: 'role', header: 'Role', cell: (t) => t.role },
  { key: 'created', header: 'Created', cell: (t) => <Time iso={t.createdAt} /> },
  { key: 'used', header: 'Last used', cell: (t) => <Time iso={t.lastUsedAt} /> },
  { key: 'expires', header: 'Expires', cell: (t) => (t.expiresAt ? <Time iso={t.expiresAt} /> : 'never') },
];

export function TokensPage() {
  const can = useCan();
  const tokens = useRoute(USERS_ROUTES.listTokens);
  const act = useAction();
  const revoke = (id: string) =>
    act.perform(async () => (await api.tokens.revoke(id), true)).then((ok) => ok && tokens.reload());
  return (
    <>
      <PageHeader
        title="API tokens"
        subtitle="For scripts and integrations; each acts with its own role and is audited under its owner."
        actions={can('operator') ? <NewToken onCreated={tokens.reload} /> : undefined}
      />
      <DataTable
        columns={COLUMNS}
        rows={tokens.data?.items}
        rowKey={(t) => t.id}
        actions={[{ label: 'Revoke', min: 'operator', danger: true, onClick: (t) => void revoke(t.id) }]}
        loading={tokens.loading}
        error={tokens.error ?? act.error}
        empty="No API tokens."
      />
    </>
  );
}
