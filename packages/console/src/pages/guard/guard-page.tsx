import { api } from '../../app/api.js';
import { compactJson } from '../../app/format.js';
import { Link, href, navigate, useLocation } from '../../app/router.js';
import { useAsync } from '../../app/use-async.js';
import { Empty, ErrorBox, PageHeader, Time } from '../../ui/bits.js';
import { GuardGrants } from './grants.js';
import { GuardPolicies } from './policies.js';

const TYPES = ['', 'guard.blocked', 'guard.alert', 'guard.write', 'guard.new_master', 'guard.new_unit', 'guard.new_function', 'guard.malformed', 'guard.credential_seen', 'guard.login_prompt'];

/** The OT guard across the fleet: policies set from the hub, write grants in force, and what the inline guards saw. */
export function GuardPage() {
  const { query } = useLocation();
  const type = query.get('type') ?? '';
  const device = query.get('device') ?? '';
  const events = useAsync(() => api.guard.events({ type: type || undefined, deviceId: device || undefined, limit: 200 }), [type, device]);
  return (
    <>
      <PageHeader title="OT guard" subtitle="Modbus and DNP3 traffic checked on the device: blocked writes, new masters, time-limited write grants." />
      <div className="stack">
        <GuardPolicies />
        <GuardGrants />
      </div>
      <div className="card-head section-title">
        <h2>Events</h2>
        <div className="row">
          {device ? (
            <button type="button" className="link" onClick={() => navigate(href('/guard', { type }))}>
              Every device (now: {device})
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
      <ErrorBox error={events.error} />
      {events.data?.items.length === 0 ? <Empty>No guard events{type ? ` of kind ${type}` : ''}.</Empty> : null}
      {events.data && events.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Device</th>
                <th scope="col">Event</th>
                <th scope="col">Severity</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((e) => (
                <tr key={`${e.deviceId}/${e.seq}`} className={e.severity === 'critical' ? 'row-bad' : e.severity === 'warning' ? 'row-warn' : undefined}>
                  <td>
                    <Time iso={e.ts} />
                  </td>
                  <td>
                    <Link to={href('/guard', { type, device: e.deviceId })}>{e.deviceId}</Link>
                  </td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>
                    <span className={`badge sev-${e.severity}`}>{e.severity}</span>
                  </td>
                  <td className="mono small">{compactJson(e.data, 140)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
