import { GUARD_ROUTES } from '@outpost/protocol';
import { useRoute, type RouteResponse } from '../../app/use-route.js';
import { useNames, type Names } from '../../app/names.js';
import { Link, href, navigate, useLocation } from '../../app/router.js';
import { PageHeader, Time } from '../../ui/bits.js';
import { DataTable, type Column } from '../../ui/data-table.js';
import { FieldList } from '../../ui/field-list.js';
import { GuardGrants } from './grants.js';
import { GuardPolicies } from './policies.js';

const TYPES = [
  '',
  'guard.blocked',
  'guard.alert',
  'guard.write',
  'guard.new_master',
  'guard.new_unit',
  'guard.new_function',
  'guard.malformed',
  'guard.credential_seen',
  'guard.login_prompt',
  'guard.response',
  'guard.procedure',
];

type GuardEvent = RouteResponse<typeof GUARD_ROUTES.events>['items'][number];

const columns = (type: string, names: Names): Column<GuardEvent>[] => [
  { key: 'ts', header: 'When', cell: (e) => <Time iso={e.ts} />, fit: 'nowrap' },
  {
    key: 'device',
    header: 'Device',
    cell: (e) => (
      <Link to={href('/guard', { type, device: e.deviceId })} title={e.deviceId}>
        {names.device(e.deviceId)}
      </Link>
    ),
  },
  { key: 'type', header: 'Event', cell: (e) => <code>{e.type}</code> },
  { key: 'severity', header: 'Severity', cell: (e) => <span className={`badge sev-${e.severity}`}>{e.severity}</span> },
  { key: 'data', header: 'Detail', cell: (e) => <FieldList data={e.data} names={names} />, width: '45%' },
];

/** The OT guard across the fleet: policies set from the hub, write grants in force, and what the inline guards saw. */
export function GuardPage() {
  const { query } = useLocation();
  const type = query.get('type') ?? '';
  const device = query.get('device') ?? '';
  const events = useRoute(GUARD_ROUTES.events, {
    query: { type: type || undefined, deviceId: device || undefined, limit: 200 },
  });
  const names = useNames([...(events.data?.items.map((e) => e.deviceId) ?? []), ...(device ? [device] : [])]);
  return (
    <>
      <PageHeader
        title="OT guard"
        subtitle="Modbus and DNP3 traffic checked on the device: blocked writes, new masters, time-limited write grants."
      />
      <div className="stack">
        <GuardPolicies />
        <GuardGrants />
      </div>
      <div className="card-head section-title">
        <h2>Events</h2>
        <div className="row">
          {device ? (
            <button type="button" className="link" onClick={() => navigate(href('/guard', { type }))}>
              Every device (now: {names.device(device)})
            </button>
          ) : null}
          <label className="page-size">
            Kind
            <select value={type} onChange={(e) => navigate(href('/guard', { type: e.target.value, device }))}>
              {TYPES.map((t) => (
                <option key={t} value={t}>
                  {t || 'every kind'}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <DataTable
        columns={columns(type, names)}
        rows={events.data?.items}
        rowKey={(e) => `${e.deviceId}/${e.seq}`}
        rowClass={(e) => (e.severity === 'critical' ? 'row-bad' : e.severity === 'warning' ? 'row-warn' : undefined)}
        error={events.error}
        testId="guard-events"
        empty={`No guard events${type ? ` of kind ${type}` : ''}.`}
      />
    </>
  );
}
