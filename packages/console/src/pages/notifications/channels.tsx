import { useState } from 'react';
import { NOTIFICATIONS_ROUTES } from '@outpost/protocol';
import type { NotificationChannel } from '../../app/route-types.js';
import { api } from '../../app/api.js';
import { duration } from '../../app/format.js';
import { useCan } from '../../app/session.js';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { CopyField, ErrorBox, Loading } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { Dialog } from '../../ui/dialog.js';
import { ChannelDialog } from './channel-dialog.js';
import { destination } from './channel-form.js';

/** The webhook signing secret, shown this once; the hub keeps it sealed and never shows it again. */
function SecretOnce({ name, secret, onClose }: { name: string; secret: string; onClose(): void }) {
  return (
    <Dialog title={`Signing secret of ${name}`} open onClose={onClose}>
      <div className="notice notice-warn">
        Copy it now into the receiver: the hub does not show it again. Rotating makes a new one.
      </div>
      <CopyField label="Signing secret" value={secret} />
      <p className="hint">
        Each request carries <code>X-Outpost-Signature: t=&lt;unix time&gt;,v1=&lt;HMAC-SHA256 of "t.body"&gt;</code>.
      </p>
    </Dialog>
  );
}

type Confirm = { kind: 'rotate' | 'delete'; channel: NotificationChannel };

function ConfirmDialog({
  confirm,
  onClose,
  onDone,
}: {
  confirm: Confirm;
  onClose(): void;
  onDone(secret?: string): void;
}) {
  const act = useAction();
  const c = confirm.channel;
  const run = () =>
    confirm.kind === 'rotate'
      ? api.channels.update(c.id, { rotateSecret: true }).then((r) => r.secret ?? '')
      : api.channels.remove(c.id).then(() => '');
  return (
    <Dialog
      title={confirm.kind === 'rotate' ? 'Rotate signing secret' : 'Delete channel'}
      open
      onClose={onClose}
      danger
      submitLabel={confirm.kind === 'rotate' ? 'Rotate secret' : 'Delete channel'}
      busy={act.busy}
      onSubmit={() => void act.perform(run).then((s) => s !== undefined && onDone(s || undefined))}
    >
      <p>
        {confirm.kind === 'rotate'
          ? `${c.name} signs with a new secret from its next message; the receiver refuses them until it has the new one.`
          : `${c.name} stops sending, and its undelivered messages are dropped. Rules and report schedules that name it send nothing there any more.`}
      </p>
      <ErrorBox error={act.error} />
    </Dialog>
  );
}

const COLUMNS: Column<NotificationChannel>[] = [
  { key: 'name', header: 'Channel', className: 'strong', cell: (c) => c.name },
  {
    key: 'kind',
    header: 'Kind',
    cell: (c) => (
      <>
        {c.kind}
        {c.kind === 'webhook' ? <div className="muted small">{c.hasSecret ? 'signed' : 'unsigned'}</div> : null}
      </>
    ),
  },
  { key: 'to', header: 'Sends to', className: 'mono small', cell: destination },
  {
    key: 'digest',
    header: 'Digest',
    className: 'small',
    cell: (c) => `after ${duration(c.digest.waitS)}, then at most every ${duration(c.digest.intervalS)}`,
  },
  { key: 'state', header: 'State', cell: (c) => (c.enabled ? 'enabled' : 'disabled') },
];

/** Where alert changes and reports go: webhooks, e-mail, the hub's MQTT topic. Admins change them. */
export function Channels() {
  const can = useCan();
  const list = useRoute(NOTIFICATIONS_ROUTES.channels);
  const [editing, setEditing] = useState<NotificationChannel | 'new' | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const test = useAction();
  const [tested, setTested] = useState<string | null>(null);
  const done = (name: string, s?: string) => {
    setEditing(null);
    setConfirm(null);
    if (s) setSecret({ name, secret: s });
    list.reload();
  };
  return (
    <section className="card" aria-labelledby="channels-title">
      <div className="card-head">
        <h2 id="channels-title">Notification channels</h2>
        {can('admin') ? (
          <button type="button" className="primary" data-mutates="" onClick={() => setEditing('new')}>
            New channel…
          </button>
        ) : null}
      </div>
      <ErrorBox error={list.error ?? test.error} />
      {tested ? (
        <div className="notice notice-ok" role="status">
          Test message queued for {tested}. A failure shows under dead letters once its attempts are spent.
        </div>
      ) : null}
      {list.loading && !list.data ? <Loading /> : null}
      {list.data?.items.length === 0 ? (
        <p className="muted">
          No channel: alerts show here only.
          {can('admin')
            ? ' Add a webhook, an e-mail address or an MQTT topic to send them on.'
            : ' An admin can add one.'}
        </p>
      ) : null}
      <DataTable
        columns={COLUMNS}
        rows={list.data?.items}
        rowKey={(c) => c.id}
        rowClass={(c) => (c.enabled ? undefined : 'row-muted')}
        actions={[
          {
            label: 'Send test',
            min: 'operator',
            name: (c) => `Send a test message on ${c.name}`,
            disabled: () => test.busy,
            onClick: (c) => void test.perform(() => api.channels.test(c.id)).then((r) => r && setTested(c.name)),
          },
          { label: 'Edit', min: 'admin', name: (c) => `Edit channel ${c.name}`, onClick: (c) => setEditing(c) },
          {
            label: 'Rotate secret…',
            min: 'admin',
            name: (c) => `Rotate the signing secret of ${c.name}`,
            hidden: (c) => c.kind !== 'webhook',
            onClick: (c) => setConfirm({ kind: 'rotate', channel: c }),
          },
          {
            label: 'Delete…',
            min: 'admin',
            danger: true,
            name: (c) => `Delete channel ${c.name}`,
            onClick: (c) => setConfirm({ kind: 'delete', channel: c }),
          },
        ]}
        testId="channels-table"
        bare
      />
      {editing ? (
        <ChannelDialog
          channel={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(c, s) => done(c.name, s)}
        />
      ) : null}
      {confirm ? (
        <ConfirmDialog
          confirm={confirm}
          onClose={() => setConfirm(null)}
          onDone={(s) => done(confirm.channel.name, s)}
        />
      ) : null}
      {secret ? <SecretOnce name={secret.name} secret={secret.secret} onClose={() => setSecret(null)} /> : null}
    </section>
  );
}
