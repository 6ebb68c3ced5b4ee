import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { GUARD_ROUTES } from '@outpost/protocol';
import type { DeviceGuardStatus } from '../../../app/route-types.js';
import { useRoute } from '../../../app/use-route.js';
import { Link } from '../../../app/router.js';
import { Chart } from '../../../ui/chart.js';
import { Empty, ErrorBox, Facts, Loading } from '../../../ui/bits.js';
import { useTimeline } from './use-timeline.js';

const HOUR = 3600;
const RANGES: Array<[number, string]> = [
  [24, '24 h'],
  [24 * 7, '7 d'],
];

/**
 * Why this policy applies, in the hub's order: the device's own policy beats a group's, and of
 * the groups the device is in (or under) the closest one carrying a policy wins.
 */
export function policyReason(s: Pick<DeviceGuardStatus, 'source' | 'group'>, deviceGroups: string[]): string {
  if (s.source === 'device') return 'assigned to this device (a device policy beats any group policy)';
  if (s.source === 'none') return 'no policy: neither the device nor any of its groups has one';
  const g = s.group ?? '';
  const via = deviceGroups.filter((x) => x !== g && x.startsWith(`${g}/`)).sort((a, b) => b.length - a.length)[0];
  return via
    ? `assigned to group ${g}: the device is in ${via}, inside ${g}, and no closer group or device policy applies`
    : `assigned to group ${g}: the device is a member and has no policy of its own`;
}

function Effective({ s, groups }: { s: DeviceGuardStatus; groups: string[] }) {
  const p = s.policy;
  return (
    <section className="card" aria-labelledby="guard-effective-title">
      <h2 id="guard-effective-title">Effective policy</h2>
      <Facts
        rows={[
          [
            'Applies',
            <span key="why" data-testid="guard-policy-reason">
              {policyReason(s, groups)}
              {s.source === 'group' && s.group ? (
                <>
                  {' '}
                  · <Link to="/groups">groups</Link>
                </>
              ) : null}
            </span>,
          ],
          [
            'Mode',
            p ? (
              <span className="badge" data-testid="guard-policy-mode">
                {p.mode}
              </span>
            ) : (
              '–'
            ),
          ],
          ['Policy version', p ? String(p.version) : '–'],
          [
            'On the device',
            s.appliedVersion === null
              ? 'not reported yet'
              : `version ${s.appliedVersion}${s.documentVersion !== null && s.appliedVersion < s.documentVersion ? ` (version ${s.documentVersion} sent)` : ''}`,
          ],
          ['Write grants in force', String(s.grants.filter((g) => g.state === 'active').length)],
        ]}
      />
    </section>
  );
}

function BlockedChart({ deviceId }: { deviceId: string }) {
  const [hours, setHours] = useState(24);
  const b = useRoute(GUARD_ROUTES.blockedPerHour, { params: { id: deviceId }, query: { hours } });
  const markers = useTimeline(deviceId, hours);
  // Every hour of the range gets a bar slot; an hour the database did not list blocked nothing.
  const data = useMemo<uPlot.AlignedData>(() => {
    if (!b.data) return [[], []];
    const start = Date.parse(b.data.from) / 1000;
    const byHour = new Map(b.data.items.map((i) => [Date.parse(i.hour) / 1000, i.blocked]));
    const xs = Array.from({ length: hours }, (_, i) => start + i * HOUR);
    return [xs, xs.map((x) => byHour.get(x) ?? 0)];
  }, [b.data, hours]);
  const total = b.data?.items.reduce((n, i) => n + i.blocked, 0) ?? 0;
  return (
    <section className="card" aria-labelledby="guard-blocked-title">
      <div className="card-head">
        <h2 id="guard-blocked-title">Blocked traffic per hour</h2>
        <div className="segmented" role="group" aria-label="Blocked traffic range">
          {RANGES.map(([v, label]) => (
            <button key={v} type="button" aria-pressed={hours === v} onClick={() => setHours(v)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      <ErrorBox error={b.error} />
      {b.loading && !b.data ? <Loading /> : null}
      {b.data ? (
        <p className="muted" data-testid="guard-blocked-total">
          {total} blocked in the last {hours === 24 ? '24 hours' : '7 days'}
        </p>
      ) : null}
      {b.data && total > 0 ? (
        <Chart
          options={{
            scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.1] } },
            series: [
              {},
              { label: 'Blocked', stroke: '#dc2626', fill: 'rgba(220, 38, 38, 0.3)', points: { show: false } },
            ],
            axes: [{}, { label: 'blocked' }],
          }}
          data={data}
          height={180}
          label={`Guard events blocked per hour over the last ${hours === 24 ? '24 hours' : '7 days'}`}
          optionsKey={String(hours)}
          markers={markers}
        />
      ) : null}
      {b.data && total === 0 ? <Empty>The guard blocked nothing on this device in this range.</Empty> : null}
    </section>
  );
}

/** The OT guard on one device: which policy applies and why, in which mode, and what it blocked. */
export function GuardPanel({ deviceId, groups }: { deviceId: string; groups: string[] }) {
  const s = useRoute(GUARD_ROUTES.status, { params: { id: deviceId } });
  return (
    <div className="stack">
      <ErrorBox error={s.error} />
      {s.loading && !s.data ? <Loading /> : null}
      {s.data ? <Effective s={s.data} groups={groups} /> : null}
      <BlockedChart deviceId={deviceId} />
    </div>
  );
}
