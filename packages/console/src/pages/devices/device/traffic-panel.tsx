import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { TRAFFIC_ROUTES, type TimelineMark, type TrafficBaseline } from '@outpost/protocol';
import type { DeviceTraffic } from '../../../app/route-types.js';
import { useRoute } from '../../../app/use-route.js';
import { absolute, duration } from '../../../app/format.js';
import { Chart } from '../../../ui/chart.js';
import { Empty, ErrorBox, Loading, Time } from '../../../ui/bits.js';
import { Ports, bytes } from './traffic-ports.js';
import { useTimeline } from './use-timeline.js';

const RANGES: Array<[number, string]> = [
  [24, '24 h'],
  [24 * 7, '7 d'],
];
const HOUR = 3600;
// Devices report every minute; re-read about as often while the tab is open.
const REFRESH_MS = 30_000;
// 1.4826 × MAD estimates the standard deviation; the band is the median ± 3 of those, as the traffic alert rule judges by default.
const SPREAD = 3 * 1.4826;

const rate = (bps: number) => `${bytes(bps)}/s`;

function sourceText(b: TrafficBaseline): string {
  if (b.source === 'hour-of-week') return `the same hour of the week over ${b.points} past weeks`;
  if (b.source === 'hour-of-day') return `the same hour of the day over ${b.points} past days`;
  return `the last ${b.points} reports`;
}

function Status({ t }: { t: DeviceTraffic }) {
  const learning = t.learningUntil !== null && Date.parse(t.learningUntil) > Date.now();
  const s = t.status;
  const b = s?.baseline ?? null;
  return (
    <section className="card" aria-labelledby="traffic-status-title">
      <h2 id="traffic-status-title">Traffic now</h2>
      <dl className="facts">
        <div>
          <dt>Ports</dt>
          <dd data-testid="traffic-learning">
            {t.learningUntil === null ? (
              <span className="muted">
                No traffic report since the hub started; the ports below are the ones it stored before.
              </span>
            ) : learning ? (
              <>
                <span className="badge sev-warning">learning</span> until{' '}
                <time dateTime={t.learningUntil}>{absolute(t.learningUntil)}</time>: ports the device uses until then
                are its normal ones.
              </>
            ) : (
              <>
                <span className="badge tone-good">baseline in force</span> since{' '}
                <time dateTime={t.learningUntil}>{absolute(t.learningUntil)}</time>: a port first used after that is
                marked new.
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>Volume</dt>
          <dd>
            {s ? (
              <>
                <strong>{rate(s.bytesPerS)}</strong> over the last{' '}
                {s.periodS >= 60 ? duration(s.periodS) : `${Number(s.periodS.toFixed(1))} s`}, reported{' '}
                <Time iso={new Date(s.at).toISOString()} />
              </>
            ) : (
              <span className="muted">no report since the hub started</span>
            )}
          </dd>
        </div>
        <div>
          <dt>Baseline</dt>
          <dd data-testid="traffic-baseline">
            {b ? (
              <>
                {rate(b.median)} usual for this hour (median of {sourceText(b)}), spread ± {rate(SPREAD * b.mad)}
                {s && b.median > 0 ? (
                  <span className="muted"> · now {(s.bytesPerS / b.median).toFixed(1)}× the baseline</span>
                ) : null}
              </>
            ) : (
              <span className="muted">{s ? 'Not enough history yet to say what is usual for this hour.' : '–'}</span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function VolumeChart({
  t,
  hours,
  onHours,
  markers,
}: {
  t: DeviceTraffic;
  hours: number;
  onHours(h: number): void;
  markers: readonly TimelineMark[];
}) {
  const baseline = t.status?.baseline ?? null;
  const band = useRef<TrafficBaseline | null>(baseline);
  band.current = baseline;
  // Every hour of the range gets a slot, so an hour without reports is a gap, not a bridge.
  const data = useMemo<uPlot.AlignedData>(() => {
    const end = Math.floor(Date.now() / 1000 / HOUR) * HOUR;
    const xs: number[] = [];
    for (let x = end - (hours - 1) * HOUR; x <= end; x += HOUR) xs.push(x);
    const byHour = new Map(
      t.hourly.map((h) => [Math.floor(Date.parse(h.hour) / 1000), h.seconds > 0 ? h.bytes / h.seconds : null]),
    );
    const avg = xs.map((x) => byHour.get(x) ?? null);
    return baseline ? [xs, avg, xs.map(() => baseline.median)] : [xs, avg];
  }, [t, hours, baseline]);
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      scales: {
        x: { time: true, range: (_u, min, max) => [min, max + HOUR] },
        y: {
          range: (_u, _min, max) => [
            0,
            Math.max(max, band.current ? band.current.median + SPREAD * band.current.mad : 0, 1) * 1.1,
          ],
        },
      },
      series: [
        {},
        {
          label: 'Average in the hour',
          stroke: '#1d4ed8',
          fill: 'rgba(29, 78, 216, 0.35)',
          width: 1,
          paths: uPlot.paths.bars?.({ size: [0.85, 40], align: 1 }),
          points: { show: false },
          value: (_u, v) => (v === null ? '–' : rate(v)),
        },
        ...(baseline
          ? [
              {
                label: 'Baseline now',
                stroke: '#b45309',
                width: 2,
                dash: [6, 4],
                points: { show: false },
                value: (_u: uPlot, v: number | null) => (v === null ? '–' : rate(v)),
              },
            ]
          : []),
      ],
      axes: [{}, { label: 'bytes/s', size: 76, values: (_u, vals) => vals.map((v) => rate(v)) }],
      hooks: {
        // The usual range for this hour, shaded behind the bars.
        drawClear: [
          (u) => {
            const b = band.current;
            if (!b) return;
            const lo = u.valToPos(Math.max(0, b.median - SPREAD * b.mad), 'y', true);
            const hi = u.valToPos(b.median + SPREAD * b.mad, 'y', true);
            u.ctx.save();
            u.ctx.fillStyle = 'rgba(180, 83, 9, 0.1)';
            u.ctx.fillRect(u.bbox.left, hi, u.bbox.width, lo - hi);
            u.ctx.restore();
          },
        ],
      },
    }),
    [baseline !== null],
  );
  const any = t.hourly.length > 0;
  return (
    <section className="card" aria-labelledby="volume-title">
      <div className="card-head">
        <h2 id="volume-title">Volume per hour (average bytes/s)</h2>
        <div className="segmented" role="group" aria-label="Traffic range">
          {RANGES.map(([v, label]) => (
            <button key={v} type="button" aria-pressed={hours === v} onClick={() => onHours(v)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      {any ? (
        <Chart
          options={options}
          data={data}
          height={200}
          label={`Average traffic of each hour over the last ${hours === 24 ? '24 hours' : '7 days'}${baseline ? ', with the baseline for the current hour' : ''}`}
          optionsKey={`${hours}|${baseline !== null}`}
          markers={markers}
        />
      ) : (
        <Empty>No traffic in this range.</Empty>
      )}
      {baseline ? (
        <p className="hint">
          Dashed: the baseline for the current hour; shaded: its usual range (median ± 3 robust deviations). Traffic
          well above it raises a traffic alert where a rule asks for one.
        </p>
      ) : null}
    </section>
  );
}

/** The device's traffic: learning or baseline, volume per hour against the baseline, and the protocols and ports it used. */
export function TrafficPanel({ deviceId }: { deviceId: string }) {
  const [hours, setHours] = useState(24);
  const t = useRoute(TRAFFIC_ROUTES.device, { params: { id: deviceId }, query: { hours } });
  const markers = useTimeline(deviceId, hours);
  const reload = t.reload;
  useEffect(() => {
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  if (t.loading && !t.data) return <Loading />;
  if (!t.data) return <ErrorBox error={t.error} />;
  const d = t.data;
  if (!d.status && d.ports.length === 0 && d.hourly.length === 0 && d.learningUntil === null) {
    return (
      <Empty>
        This device reports no traffic counters. Agents send them every minute unless started with --flows-interval 0.
      </Empty>
    );
  }
  return (
    <div className="stack">
      <ErrorBox error={t.error} />
      <Status t={d} />
      <VolumeChart t={d} hours={hours} onHours={setHours} markers={markers} />
      <Ports ports={d.ports} />
    </div>
  );
}
