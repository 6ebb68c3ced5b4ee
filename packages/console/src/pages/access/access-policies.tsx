import { useState } from 'react';
import { ACCESS_ROUTES } from '@outpost/protocol';
import type { AccessPolicy } from '../../app/route-types.js';
import { api } from '../../app/api.js';
import { duration } from '../../app/format.js';
import { Link } from '../../app/router.js';
import { useCan } from '../../app/session.js';
import { useRoute } from '../../app/use-route.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { AccessPolicyDialog } from './policy-dialog.js';

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

const COLUMNS: Column<AccessPolicy>[] = [
  { key: 'name', header: 'Policy', className: 'strong', fit: 'nowrap', cell: (p) => p.name },
  {
    key: 'devices',
    header: 'Devices',
    cell: (p) =>
      p.deviceId ? <Link to={`/devices/${encodeURIComponent(p.deviceId)}`}>{p.deviceId}</Link> : `group ${p.group}`,
  },
  { key: 'targets', header: 'Targets', className: 'mono small', cell: (p) => p.targets.join(' ') },
  { key: 'roles', header: 'Roles', cell: (p) => p.roles.join(', ') },
  { key: 'conditions', header: 'Conditions', className: 'small', cell: conditions },
];

/** Who may reach what on which devices; admins create, change and delete policies. */
export function AccessPolicies() {
  const can = useCan();
  const policies = useRoute(ACCESS_ROUTES.policies);
  const [editing, setEditing] = useState<AccessPolicy | 'new' | null>(null);
  const done = () => {
    setEditing(null);
    policies.reload();
  };
  const hint = can('admin') ? ' Create one to allow a target on a device or group.' : ' An admin can create one.';
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
      <DataTable
        columns={COLUMNS}
        rows={policies.data?.items}
        rowKey={(p) => p.id}
        actions={[
          { label: 'Edit', min: 'admin', name: (p) => `Edit access policy ${p.name}`, onClick: setEditing },
          {
            label: 'Delete…',
            min: 'admin',
            danger: true,
            name: (p) => `Delete access policy ${p.name}`,
            confirm: (p) => ({
              title: 'Delete access policy',
              confirmLabel: 'Delete policy',
              body: (
                <p>
                  New sessions under {p.name} are refused unless another policy allows them. Sessions already open run
                  on until they end or are killed.
                </p>
              ),
              run: () => api.access.deletePolicy(p.id),
              onDone: done,
            }),
          },
        ]}
        loading={policies.loading}
        error={policies.error}
        empty={`No access policy: nobody can open a session.${hint}`}
        testId="access-policies"
      />
      {editing ? (
        <AccessPolicyDialog
          policy={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={done}
        />
      ) : null}
    </>
  );
}
