import { useState } from 'react';
import { GUARD_ROUTES } from '@outpost/protocol';
import type { GuardPolicyRecord } from '../../app/route-types.js';
import { loadRoute, useRoute } from '../../app/use-route.js';
import { api } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAsync } from '../../app/use-async.js';
import { ErrorBox, Loading, Time } from '../../ui/bits.js';
import type { ConfirmSpec } from '../../ui/confirm-action.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { Dialog } from '../../ui/dialog.js';
import { PolicyDialog } from './policy-dialog.js';
import { MODE_TONE, policyLines } from './policy-text.js';

const keyOf = (r: GuardPolicyRecord) => `${r.scope}:${r.target}`;

type Version = Awaited<ReturnType<typeof api.guard.groupPolicy>>['items'][number];

const VERSION_COLUMNS: Column<Version>[] = [
  { key: 'version', header: 'Version', cell: (v) => `v${v.version}` },
  { key: 'set', header: 'Set', cell: (v) => <Time iso={v.createdAt} /> },
  { key: 'by', header: 'By', cell: (v) => v.createdBy },
  {
    key: 'policy',
    header: 'Policy',
    className: 'small',
    cell: (v) => (v.policy ? `${v.policy.mode} · ${policyLines(v.policy)[0]}` : <span className="muted">removed</span>),
  },
];

function History({ record, onClose }: { record: GuardPolicyRecord; onClose(): void }) {
  const h = useAsync(
    () =>
      record.scope === 'device'
        ? loadRoute(GUARD_ROUTES.devicePolicyHistory, { params: { id: record.target }, query: { limit: 50 } })
        : loadRoute(GUARD_ROUTES.groupPolicy, { params: { path: record.target }, query: { limit: 50 } }),
    [record.scope, record.target],
  );
  return (
    <Dialog title={`Versions of the ${record.scope} ${record.target} policy`} open onClose={onClose} wide>
      <DataTable
        columns={VERSION_COLUMNS}
        rows={h.data?.items}
        rowKey={(v) => v.version}
        loading={h.loading}
        error={h.error}
        bare
      />
    </Dialog>
  );
}

const POLICY_COLUMNS: Column<GuardPolicyRecord>[] = [
  {
    key: 'target',
    header: 'Applies to',
    cell: (r) =>
      r.scope === 'device' ? (
        <>
          device <Link to={`/devices/${encodeURIComponent(r.target)}`}>{r.target}</Link>
        </>
      ) : (
        <>
          group <strong>{r.target}</strong>
        </>
      ),
  },
  {
    key: 'mode',
    header: 'Mode',
    cell: (r) => (r.policy ? <span className={MODE_TONE[r.policy.mode]}>{r.policy.mode}</span> : null),
  },
  {
    key: 'rules',
    header: 'Rules',
    className: 'small',
    cell: (r) => (r.policy ? policyLines(r.policy).map((l) => <div key={l}>{l}</div>) : null),
  },
  {
    key: 'version',
    header: 'Version',
    fit: 'nowrap',
    cell: (r) => (
      <>
        v{r.version}
        <div className="muted small">
          {r.createdBy}, <Time iso={r.createdAt} />
        </div>
      </>
    ),
  },
];

const removeSpec = (record: GuardPolicyRecord, onDone: () => void): ConfirmSpec => ({
  title: 'Remove guard policy',
  confirmLabel: 'Remove policy',
  body: (
    <p>
      {record.scope === 'device'
        ? `${record.target} falls back to the policy of the closest group it is in, or to its own local policy if no group has one.`
        : `Devices in ${record.target} fall back to a policy of their own or of an enclosing group, or to their local policy.`}
    </p>
  ),
  run: () =>
    record.scope === 'device' ? api.guard.clearDevicePolicy(record.target) : api.guard.clearGroupPolicy(record.target),
  onDone,
});

/** Device and group policies the hub has set, the latest version of each; operators set and remove them. */
export function GuardPolicies() {
  const can = useCan();
  const list = useRoute(GUARD_ROUTES.policies);
  const [editing, setEditing] = useState<GuardPolicyRecord | 'new' | null>(null);
  const [history, setHistory] = useState<GuardPolicyRecord | null>(null);
  const done = () => {
    setEditing(null);
    list.reload();
  };
  return (
    <section className="card" aria-labelledby="guard-policies-title">
      <div className="card-head">
        <h2 id="guard-policies-title">Policies</h2>
        {can('operator') ? (
          <button type="button" className="primary" data-mutates="" onClick={() => setEditing('new')}>
            New guard policy…
          </button>
        ) : null}
      </div>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data?.items.length === 0 ? (
        <p className="muted">
          No policy set from the hub: each guard runs the local policy it was installed with.
          {can('operator') ? ' Set one for a group or a single device.' : ''}
        </p>
      ) : null}
      <DataTable
        columns={POLICY_COLUMNS}
        rows={list.data?.items}
        rowKey={keyOf}
        actions={[
          {
            label: 'Versions',
            mutates: false,
            name: (r) => `Versions of the ${r.scope} ${r.target} policy`,
            onClick: (r) => setHistory(r),
          },
          {
            label: 'Edit',
            min: 'operator',
            name: (r) => `Edit the ${r.scope} ${r.target} policy`,
            onClick: (r) => setEditing(r),
          },
          {
            label: 'Remove…',
            min: 'operator',
            danger: true,
            name: (r) => `Remove the ${r.scope} ${r.target} policy`,
            confirm: (r) => removeSpec(r, done),
          },
        ]}
        testId="guard-policies"
        bare
      />
      {editing ? (
        <PolicyDialog record={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={done} />
      ) : null}
      {history ? <History record={history} onClose={() => setHistory(null)} /> : null}
    </section>
  );
}
