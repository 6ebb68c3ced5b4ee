import { useState } from 'react';
import type { GuardPolicyRecord } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { ErrorBox, Loading, Time } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { PolicyDialog } from './policy-dialog.js';
import { MODE_TONE, policyLines } from './policy-text.js';

const keyOf = (r: GuardPolicyRecord) => `${r.scope}:${r.target}`;

function History({ record, onClose }: { record: GuardPolicyRecord; onClose(): void }) {
  const h = useAsync(() => (record.scope === 'device' ? api.guard.devicePolicyHistory(record.target, 50) : api.guard.groupPolicy(record.target, 50)), [record.scope, record.target]);
  return (
    <Dialog title={`Versions of the ${record.scope} ${record.target} policy`} open onClose={onClose} wide>
      <ErrorBox error={h.error} />
      {h.data ? (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Set</th>
              <th scope="col">By</th>
              <th scope="col">Policy</th>
            </tr>
          </thead>
          <tbody>
            {h.data.items.map((v) => (
              <tr key={v.version}>
                <td>v{v.version}</td>
                <td>
                  <Time iso={v.createdAt} />
                </td>
                <td>{v.createdBy}</td>
                <td className="small">{v.policy ? `${v.policy.mode} · ${policyLines(v.policy)[0]}` : <span className="muted">removed</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <Loading />
      )}
    </Dialog>
  );
}

function RemovePolicy({ record, onClose, onDone }: { record: GuardPolicyRecord; onClose(): void; onDone(): void }) {
  const act = useAction();
  const remove = () => (record.scope === 'device' ? api.guard.clearDevicePolicy(record.target) : api.guard.clearGroupPolicy(record.target));
  return (
    <Dialog title="Remove guard policy" open onClose={onClose} danger submitLabel="Remove policy" busy={act.busy} onSubmit={() => void act.perform(remove).then((r) => r && onDone())}>
      <p>
        {record.scope === 'device'
          ? `${record.target} falls back to the policy of the closest group it is in, or to its own local policy if no group has one.`
          : `Devices in ${record.target} fall back to a policy of their own or of an enclosing group, or to their local policy.`}
      </p>
      <ErrorBox error={act.error} />
    </Dialog>
  );
}

/** Device and group policies the hub has set, the latest version of each; operators set and remove them. */
export function GuardPolicies() {
  const can = useCan();
  const list = useAsync(() => api.guard.policies(), []);
  const [editing, setEditing] = useState<GuardPolicyRecord | 'new' | null>(null);
  const [history, setHistory] = useState<GuardPolicyRecord | null>(null);
  const [removing, setRemoving] = useState<GuardPolicyRecord | null>(null);
  const done = () => {
    setEditing(null);
    setRemoving(null);
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
        <p className="muted">No policy set from the hub: each guard runs the local policy it was installed with.{can('operator') ? ' Set one for a group or a single device.' : ''}</p>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <table className="data" data-testid="guard-policies">
          <thead>
            <tr>
              <th scope="col">Applies to</th>
              <th scope="col">Mode</th>
              <th scope="col">Rules</th>
              <th scope="col">Version</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={keyOf(r)}>
                <td>
                  {r.scope === 'device' ? (
                    <>
                      device <Link to={`/devices/${encodeURIComponent(r.target)}`}>{r.target}</Link>
                    </>
                  ) : (
                    <>
                      group <strong>{r.target}</strong>
                    </>
                  )}
                </td>
                <td>{r.policy ? <span className={MODE_TONE[r.policy.mode]}>{r.policy.mode}</span> : null}</td>
                <td className="small">{r.policy ? policyLines(r.policy).map((l) => <div key={l}>{l}</div>) : null}</td>
                <td className="nowrap">
                  v{r.version}
                  <div className="muted small">
                    {r.createdBy}, <Time iso={r.createdAt} />
                  </div>
                </td>
                <td className="actions">
                  <button type="button" className="link" onClick={() => setHistory(r)} aria-label={`Versions of the ${r.scope} ${r.target} policy`}>
                    Versions
                  </button>
                  {can('operator') ? (
                    <>
                      <button type="button" className="link" data-mutates="" onClick={() => setEditing(r)} aria-label={`Edit the ${r.scope} ${r.target} policy`}>
                        Edit
                      </button>
                      <button type="button" className="link danger-text" data-mutates="" onClick={() => setRemoving(r)} aria-label={`Remove the ${r.scope} ${r.target} policy`}>
                        Remove…
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {editing ? <PolicyDialog record={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={done} /> : null}
      {history ? <History record={history} onClose={() => setHistory(null)} /> : null}
      {removing ? <RemovePolicy record={removing} onClose={() => setRemoving(null)} onDone={done} /> : null}
    </section>
  );
}
