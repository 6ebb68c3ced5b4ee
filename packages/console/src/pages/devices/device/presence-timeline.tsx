import { useState } from 'react';
import { DEVICES_ROUTES } from '@outpost/protocol';
import { useRoute } from '../../../app/use-route.js';
import { absolute, duration } from '../../../app/format.js';
import { ErrorBox, Loading } from '../../../ui/bits.js';

const RANGES: Array<[number, string]> = [
  [24, '24 h'],
  [24 * 7, '7 d'],
  [24 * 30, '30 d'],
];

/** Online and offline periods as one bar over the chosen range, with the share of time online. */
export function PresenceTimeline({ deviceId, version }: { deviceId: string; version: number }) {
  const [hours, setHours] = useState(24);
  const a = useRoute(DEVICES_ROUTES.availability, { params: { id: deviceId }, query: { hours } }, [version]);
  const from = a.data ? Date.parse(a.data.from) : 0;
  const to = a.data ? Date.parse(a.data.to) : 1;
  const span = Math.max(1, to - from);
  const periods = (a.data?.offlinePeriods ?? []).map((p) => ({
    start: Date.parse(p.from),
    end: p.to ? Date.parse(p.to) : to,
  }));
  // A first change to online that does not end an offline period can only follow "never seen":
  // that stretch was neither online nor offline.
  const first = a.data?.changes[0];
  const startsOffline = periods.length > 0 && periods[0].start <= from;
  const neverBefore = first?.state === 'online' && !startsOffline ? Date.parse(first.at) : null;

  return (
    <section className="card" aria-labelledby="presence-title">
      <div className="card-head">
        <h2 id="presence-title">Presence</h2>
        <div className="segmented" role="group" aria-label="Presence range">
          {RANGES.map(([h, label]) => (
            <button key={h} type="button" aria-pressed={hours === h} onClick={() => setHours(h)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      <ErrorBox error={a.error} />
      {!a.data ? (
        <Loading />
      ) : (
        <>
          <p>
            {a.data.observedFrom === null ? (
              <>Not seen in the last {RANGES.find(([h]) => h === hours)?.[1]}</>
            ) : (
              <>
                Online <strong>{a.data.onlinePct.toFixed(1)} %</strong>{' '}
                {Date.parse(a.data.observedFrom) > from
                  ? `since it was first seen, ${absolute(a.data.observedFrom)}`
                  : `of the last ${RANGES.find(([h]) => h === hours)?.[1] ?? ''}`}
              </>
            )}
            {a.data.offlinePeriods.length
              ? `, ${a.data.offlinePeriods.length} offline period${a.data.offlinePeriods.length === 1 ? '' : 's'}`
              : ''}
            .
          </p>
          <div
            className="timeline"
            role="img"
            aria-label={`Presence over the range: online ${a.data.onlinePct.toFixed(1)} percent`}
          >
            <div className="timeline-online" />
            {neverBefore ? (
              <div className="timeline-never" style={{ left: 0, width: `${((neverBefore - from) / span) * 100}%` }} />
            ) : null}
            {periods.map((p, i) => (
              <div
                key={i}
                className="timeline-offline"
                style={{
                  left: `${((p.start - from) / span) * 100}%`,
                  width: `${Math.max(0.3, ((p.end - p.start) / span) * 100)}%`,
                }}
                title={`offline ${absolute(new Date(p.start).toISOString())} for ${duration((p.end - p.start) / 1000)}`}
              />
            ))}
          </div>
          <div className="timeline-axis">
            <span>{absolute(a.data.from)}</span>
            <span>now</span>
          </div>
          {a.data.offlinePeriods.length ? (
            <details>
              <summary>Offline periods</summary>
              <ul className="plain">
                {a.data.offlinePeriods.map((p, i) => (
                  <li key={i}>
                    {absolute(p.from)} → {p.to ? absolute(p.to) : 'still offline'}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}
