import { useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { ALERTS_ROUTES } from '@outpost/protocol';
import { useRoute, type RouteResponse } from '../../app/use-route.js';
import { num } from '../../app/format.js';
import { useLiveEvent } from '../../app/live.js';
import { AsyncBlock } from '../../ui/async-block.js';
import { Chart } from '../../ui/chart.js';

const RANGES: Array<[number, string]> = [
  [24, '24 h'],
  [72, '3 d'],
  [168, '7 d'],
];
const HOUR_S = 3600;

/** Alerts fired per hour, critical and warning stacked on info, over the last day or week. */
export function AlertTimeline() {
  const [hours, setHours] = useState(24);
  const t = useRoute(ALERTS_ROUTES.timeline, { query: { hours } });
  useLiveEvent('alerts', () => t.reload());
  return (
    <section className="card" aria-labelledby="alert-timeline-title">
      <div className="card-head">
        <h2 id="alert-timeline-title">Alerts fired per hour</h2>
        <div className="segmented" role="group" aria-label="Timeline range">
          {RANGES.map(([h, label]) => (
            <button key={h} type="button" aria-pressed={hours === h} onClick={() => setHours(h)}>
              {label}
            </button>
          ))}
        </div>
      </div>
      <AsyncBlock state={t}>{(d) => <TimelineChart buckets={d.items} />}</AsyncBlock>
    </section>
  );
}

type Bucket = RouteResponse<typeof ALERTS_ROUTES.timeline>['items'][number];

function TimelineChart({ buckets }: { buckets: Bucket[] }) {
  const total = buckets.reduce((n, b) => n + b.info + b.warning + b.critical, 0);
  // The legend reads the latest buckets; the chart is only rebuilt when its shape changes.
  const latest = useRef(buckets);
  latest.current = buckets;
  // Stacked by hand: each series is drawn as the sum of itself and those below it.
  const data = useMemo<uPlot.AlignedData>(
    () => [
      buckets.map((b) => Date.parse(b.at) / 1000),
      buckets.map((b) => b.info + b.warning + b.critical),
      buckets.map((b) => b.warning + b.critical),
      buckets.map((b) => b.critical),
    ],
    [buckets],
  );
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    const bars = (label: string, color: string, of: (b: Bucket) => number) => ({
      label,
      stroke: color,
      fill: color,
      width: 0,
      paths: uPlot.paths.bars?.({ size: [0.8, 30], align: 1 }),
      points: { show: false },
      value: (_u: uPlot, _v: number | null, _s: number, i: number | null) =>
        i === null || !latest.current[i] ? '–' : num(of(latest.current[i])),
    });
    return {
      scales: {
        x: { time: true, range: (_u, min, max) => [min, max + HOUR_S] },
        y: { range: (_u, _l, max) => [0, Math.max(max, 1) * 1.1] },
      },
      series: [
        {},
        bars('info', '#94a3b8', (b) => b.info),
        bars('warning', '#d97706', (b) => b.warning),
        bars('critical', '#dc2626', (b) => b.critical),
      ],
      axes: [{}, { label: 'alerts', size: 50 }],
    };
  }, []);
  return (
    <>
      <p className="muted small" data-testid="alert-timeline-total">
        {num(total)} fired in the last {buckets.length - 1} hours.
      </p>
      <Chart
        options={options}
        data={data}
        height={180}
        label="Alerts fired per hour by severity"
        optionsKey={String(buckets.length)}
      />
    </>
  );
}
