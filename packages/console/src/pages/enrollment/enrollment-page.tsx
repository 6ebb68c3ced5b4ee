import { useState } from 'react';
import { api } from '../../app/api.js';
import { num } from '../../app/format.js';
import { ENROLLMENT_ROUTES } from '@outpost/protocol';
import { useAction } from '../../app/use-async.js';
import { useRoute } from '../../app/use-route.js';
import { CopyField, PageHeader, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { Dialog } from '../../ui/dialog.js';
import { FormProblems, FormRow, GroupSelect } from '../../ui/form-row.js';
import { useCan } from '../../app/session.js';
import { CertificateAuthorities } from './certificate-authorities.js';

/** The line to run on a device; the hub URL is the one this console was loaded from. */
export function enrollLine(token: string, caFingerprint: string): string {
  return `outpost agent enroll --hub ${window.location.origin} --token ${token} --ca-fingerprint ${caFingerprint}`;
}

function parseTags(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq < 1) return `"${part}" is not key=value`;
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function NewToken({ onCreated }: { onCreated(): void }) {
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState('');
  const [uses, setUses] = useState(1);
  const [hours, setHours] = useState(24);
  const [group, setGroup] = useState('');
  const [tags, setTags] = useState('');
  const [line, setLine] = useState<string | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const act = useAction();
  async function create() {
    const t = parseTags(tags);
    if (typeof t === 'string') return setInputError(t);
    setInputError(null);
    const r = await act.perform(() =>
      api.enrollment.createToken({
        label: label.trim(),
        maxUses: uses,
        expiresInHours: hours,
        ...(group ? { group } : {}),
        tags: t,
      }),
    );
    if (!r) return;
    setLine(enrollLine(r.token, r.caFingerprint));
    onCreated();
  }
  function close() {
    setOpen(false);
    setLine(null);
    setLabel('');
  }
  return (
    <>
      <button type="button" className="primary" data-mutates="" onClick={() => setOpen(true)}>
        New enrollment token…
      </button>
      <Dialog
        title={line ? 'Enroll devices with this line' : 'New enrollment token'}
        open={open}
        onClose={close}
        onSubmit={line ? undefined : () => void create()}
        submitLabel="Create token"
        busy={act.busy}
        wide
      >
        {line ? (
          <>
            <div className="notice notice-warn" role="status">
              Copy it now: the token is shown only this once. Run the line on each device, then{' '}
              <code>outpost agent run</code>.
            </div>
            <CopyField label="Agent command line" value={line} multiline />
          </>
        ) : (
          <div className="form-grid">
            <FormRow id="enr-label" label="Label" wide>
              <input
                id="enr-label"
                value={label}
                onChange={(e) => setLabel(e.target.value)}
                required
                maxLength={128}
                placeholder="north substations, batch 3"
                autoFocus
              />
            </FormRow>
            <FormRow id="enr-uses" label="Devices it may enroll">
              <input
                id="enr-uses"
                type="number"
                min={1}
                max={1000000}
                value={uses}
                onChange={(e) => setUses(Number(e.target.value))}
              />
            </FormRow>
            <FormRow id="enr-hours" label="Valid for (hours)">
              <input
                id="enr-hours"
                type="number"
                min={1}
                max={8760}
                value={hours}
                onChange={(e) => setHours(Number(e.target.value))}
              />
            </FormRow>
            <FormRow id="enr-group" label="Put devices in group">
              <GroupSelect id="enr-group" value={group} onChange={setGroup} emptyLabel="none" staticOnly />
            </FormRow>
            <FormRow id="enr-tags" label="Tags">
              <input
                id="enr-tags"
                value={tags}
                onChange={(e) => setTags(e.target.value)}
                placeholder="site=north, rack=3"
              />
            </FormRow>
            <FormProblems inputError={inputError} error={act.error} />
          </div>
        )}
      </Dialog>
    </>
  );
}

type Token = Awaited<ReturnType<typeof api.enrollment.list>>['items'][number];

/** Revoked, used up or expired: nothing left to revoke. */
const spent = (t: Token) => t.revoked || t.uses >= t.maxUses || Date.parse(t.expiresAt) < Date.now();

const COLUMNS: Column<Token>[] = [
  { key: 'label', header: 'Label', className: 'strong', cell: (t) => t.label },
  { key: 'used', header: 'Used', align: 'right', cell: (t) => `${num(t.uses)} / ${num(t.maxUses)}` },
  { key: 'group', header: 'Group', cell: (t) => t.group ?? <span className="muted">–</span> },
  {
    key: 'tags',
    header: 'Tags',
    cell: (t) =>
      Object.entries(t.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || <span className="muted">–</span>,
  },
  { key: 'expires', header: 'Expires', cell: (t) => (t.revoked ? 'revoked' : <Time iso={t.expiresAt} />) },
  { key: 'by', header: 'By', cell: (t) => t.createdBy },
];

export function EnrollmentPage() {
  const can = useCan();
  const tokens = useRoute(ENROLLMENT_ROUTES.listTokens);
  const act = useAction();
  const revoke = (t: Token) =>
    void act.perform(async () => (await api.enrollment.revoke(t.id), true)).then((ok) => ok && tokens.reload());
  return (
    <>
      <PageHeader
        title="Enrollment tokens"
        subtitle="A device proves it may join with a token; it then gets its own key pair and certificate."
        actions={<NewToken onCreated={tokens.reload} />}
      />
      <DataTable
        columns={COLUMNS}
        rows={tokens.data?.items}
        rowKey={(t) => t.id}
        rowClass={(t) => (spent(t) ? 'row-muted' : undefined)}
        actions={[{ label: 'Revoke', danger: true, hidden: spent, onClick: revoke }]}
        loading={tokens.loading}
        error={tokens.error ?? act.error}
        empty="No enrollment tokens. Create one to enroll devices."
      />
      {can('admin') ? <CertificateAuthorities /> : null}
    </>
  );
}
