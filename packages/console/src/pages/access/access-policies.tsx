import { useState } from 'react';
import type { AccessPolicy } from '@outpost/protocol';
import { api } from '../../app/api.js';
import { duration } from '../../app/format.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useAction, useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, Loading } from '../../ui/bits.js';
import { Dialog } from '../../ui/dialog.js';
import { AccessPolicyDialog } from './policy-dialog.js';

function DeletePolicy({ policy, onClose, onDone }: { policy: AccessPolicy; onClose(): void; onDone(): void }) {
  const act = useAction();
  return (
    <Dialog title="Delete access policy" open onClose={onClose} danger submitLabel="Delete policy" busy={act.busy} onSubmit={() => void act.perform(async () => (await api.access.deletePolicy(policy.id), true)).then((ok) => ok && onDone())}>
      <p>New sessions under {policy.name} are refused unless another policy allows them. Sessions already open run on until they end or are killed.</p>
      <ErrorBox error={act.error} />
    </Dialog>
  );
}

function conditions(p: AccessPolicy): string {
  return [
    `up to ${duration(p.maxDurationS)}`,
    p.maxConcurrent > 1 ? `${p.maxConcurrent} at once` : 'one at a time',
    p.requireApproval ? 'second person approves' : '',
    p.requireReason ? 'reason required' : '',
    p.mfaMaxAgeS !== null ? `second factor within ${duration(p.mfaMaxAgeS)}` : 'no fresh second factor',
    p.captureTcp ? 'TCP captured' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Who may reach what on which devices; admins create, change and delete policies. */
export function AccessPolicies() {
  const can = useCan();
  const policies = useAsync(() => api.access.policies(), []);
  const [editing, setEditing] = useState<AccessPolicy | 'new' | null>(null);
  const [deleting, setDeleting] = useState<AccessPolicy | null>(null);
  const done = () => {
    setEditing(null);
    setDeleting(null);
    policies.reload();
  };
  return (
    <>
      <div className="card-head section-title">
        <h2>Policies</h2>
        {can('admin') ? (
          <button type="button" className="primary" data-mutates="" onClick={() => setEditing('new')}>
            New access policy…
          </button>
        ) : null}
      </div>
      <ErrorBox error={policies.error} />
      {policies.loading && !policies.data ? <Loading /> : null}
      {policies.data?.items.length === 0 ? <Empty>No access policy: nobody can open a session.{can('admin') ? ' Create one to allow a target on a device or group.' : ' An admin can create one.'}</Empty> : null}
      {policies.data && policies.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data" data-testid="access-policies">
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Devices</th>
                <th scope="col">Targets</th>
                <th scope="col">Roles</th>
                <th scope="col">Conditions</th>
                {can('admin') ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {policies.data.items.map((p) => (
                <tr key={p.id}>
                  <td className="strong nowrap">{p.name}</td>
                  <td>{p.deviceId ? <Link to={`/devices/${encodeURIComponent(p.deviceId)}`}>{p.deviceId}</Link> : `group ${p.group}`}</td>
                  <td className="mono small">{p.targets.join(' ')}</td>
                  <td>{p.roles.join(', ')}</td>
                  <td className="small">{conditions(p)}</td>
                  {can('admin') ? (
                    <td className="actions">
                      <button type="button" className="link" data-mutates="" aria-label={`Edit access policy ${p.name}`} onClick={() => setEditing(p)}>
                        Edit
                      </button>
                      <button type="button" className="link danger-text" data-mutates="" aria-label={`Delete access policy ${p.name}`} onClick={() => setDeleting(p)}>
                        Delete…
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {editing ? <AccessPolicyDialog policy={editing === 'new' ? null : editing} onClose={() => setEditing(null)} onSaved={done} /> : null}
      {deleting ? <DeletePolicy policy={deleting} onClose={() => setDeleting(null)} onDone={done} /> : null}
    </>
  );
}
