import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { DEVICES_ROUTES, HEALTH_ROUTES } from '@outpost/protocol';
import { useRoute } from '../../../app/use-route.js';
import { Chart } from '../../../ui/chart.js';
import { Empty, ErrorBox, Loading } from '../../../ui/bits.js';
import type { HealthRule, TimelineMark } from '@outpost/protocol';
import { useTimeline } from './use-timeline.js';

const RANGES: Array<[number, string]> = [
  [1, '1 h'],
  [6, '6 h'],
  [24, '24 h'],
  [24 * 7, '7 d'],
];

type Sample = { ts: string; data: Record<string, unknown> | null };
const val = (s: Sample, k: string) => (typeof s.data?.[k] === 'number' ? (s.data[k] as number) : null);

// Cursors of all charts on the page move together; dragging across one zooms it (uPlot's select).
const common = (yLabel: string, range?: [number, number]): Omit<uPlot.Options, 'width' | 'height' | 'series'> => ({
  scales: { x: { time: true }, ...(range ? { y: { range } } : {}) },
  axes: [{}, { label: yLabel }],
  cursor: { sync: { key: 'health' }, drag: { x: true, y: false } },
});

type Threshold = { label: string; value: number; stroke: string };

/** The health model's warning and error levels for the metrics a chart shows, as labelled lines. */
function thresholdsOf(rules: HealthRule[], series: Array<{ key: string; label: string }>): Threshold[] {
  const out: Threshold[] = [];
  for (const s of series)
    for (const r of rules.filter((x) => x.metric === s.key)) {
      if (r.warning !== undefined)
        out.push({ label: `${s.label} warning ${r.op} ${r.warning}`, value: r.warning, stroke: '#d97706' });
      if (r.error !== undefined)
        out.push({ label: `${s.label} error ${r.op} ${r.error}`, value: r.error, stroke: '#dc2626' });
    }
  return out;
}

function HealthChart({
  samples,
  title,
  yLabel,
  series,
  range,
  rules,
  markers,
}: {
  markers: readonly TimelineMark[];
  samples: Sample[];
  title: string;
  yLabel: string;
  series: Array<{ key: string; label: string; stroke: string }>;
  range?: [number, number];
  rules: HealthRule[];
}) {
  const present = series.filter((s) => samples.some((x) => val(x, s.key) !== null));
  const lines = thresholdsOf(rules, present);
  const shape = [...present.map((p) => p.key), ...lines.map((l) => l.label)].join();
  const data = useMemo<uPlot.AlignedData>(
    () => [
      samples.map((s) => Date.parse(s.ts) / 1000),
      ...present.map((p) => samples.map((s) => val(s, p.key))),
      ...lines.map((l) => samples.map(() => l.value)),
    ],
    [samples, shape],
  );
  if (present.length === 0) return null;
  const options = {
    ...common(yLabel, range),
    series: [
      {},
      ...present.map((p) => ({ label: p.label, stroke: p.stroke, width: 1.5, spanGaps: false })),
      ...lines.map((l) => ({ label: l.label, stroke: l.stroke, width: 1, dash: [6, 4], points: { show: false } })),
    ],
  };
  return (
    <figure className="card chart-card" data-thresholds={lines.map((l) => l.label).join('; ')}>
      <figcaption>{title}</figcaption>
      <Chart
        options={options}
        data={data}
        height={180}
        label={`${title}: ${present.map((p) => p.label).join(', ')} over time${lines.length ? `, with the health model's thresholds` : ''}`}
        optionsKey={shape}
        markers={markers}
      />
    </figure>
  );
}

/** The rules of the device's model, else the default model's (`*`). */
function useHealthRules(model: string | null): HealthRule[] {
  const models = useRoute(HEALTH_ROUTES.models);
  const items = models.data?.items ?? [];
  return (items.find((m) => m.model === model) ?? items.find((m) => m.model === '*'))?.rules ?? [];
}

/** Health reports over a chosen range: utilisation, temperature, radio signal, load. */
export function HealthCharts({ deviceId, model }: { deviceId: string; model: string | null }) {
  const [hours, setHours] = useState(6);
  const rules = useHealthRules(model);
  const h = useRoute(DEVICES_ROUTES.health, { params: { id: deviceId }, query: { hours } });
  const markers = useTimeline(deviceId, hours);
  const samples = h.data?.items ?? [];
  return (
    <div className="stack">
      <div className="card-head">
        <div className="segmented" role="group" aria-label="Health range">
          {RANGES.map(([v, label]) => (
            <button key={v} type="button" aria-pressed={hours === v} onClick={() => setHours(v)}>
              {label}
            </button>
          ))}
        </div>
        <span className="muted">
          Drag across a chart to zoom in; double-click to zoom out. Marks: R reboot, U update, A alert; grey spans
          offline.
        </span>
      </div>
      <ErrorBox error={h.error} />
      {h.loading && !h.data ? <Loading /> : null}
      {h.data && samples.length === 0 ? <Empty>No health reports in this range.</Empty> : null}
      {samples.length > 0 ? (
        <div className="grid-2">
          <HealthChart
            markers={markers}
            rules={rules}
            samples={samples}
            title="Utilisation (%)"
            yLabel="%"
            range={[0, 100]}
            series={[
              { key: 'cpuPct', label: 'CPU', stroke: '#1d4ed8' },
              { key: 'memUsedPct', label: 'Memory', stroke: '#7c3aed' },
              { key: 'diskUsedPct', label: 'Disk', stroke: '#b45309' },
            ]}
          />
          <HealthChart
            markers={markers}
            rules={rules}
            samples={samples}
            title="Temperature (°C)"
            yLabel="°C"
            series={[{ key: 'temperatureC', label: 'Temperature', stroke: '#dc2626' }]}
          />
          <HealthChart
            markers={markers}
            rules={rules}
            samples={samples}
            title="Cellular signal (dBm)"
            yLabel="dBm"
            series={[{ key: 'signalDbm', label: 'Signal', stroke: '#0f766e' }]}
          />
          <HealthChart
            markers={markers}
            rules={rules}
            samples={samples}
            title="Load (1 min)"
            yLabel="load"
            series={[{ key: 'load1', label: 'Load', stroke: '#475569' }]}
          />
        </div>
      ) : null}
    </div>
  );
}
