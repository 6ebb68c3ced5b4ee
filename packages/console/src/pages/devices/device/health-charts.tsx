import { useMemo, useState } from 'react';
import type uPlot from 'uplot';
import { api } from '../../../app/api.js';
import { useAsync } from '../../../app/use-async.js';
import { Chart } from '../../../ui/chart.js';
import { Empty, ErrorBox, Loading } from '../../../ui/bits.js';

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

function HealthChart({
  samples,
  title,
  yLabel,
  series,
  range,
}: {
  samples: Sample[];
  title: string;
  yLabel: string;
  series: Array<{ key: string; label: string; stroke: string }>;
  range?: [number, number];
}) {
  const present = series.filter((s) => samples.some((x) => val(x, s.key) !== null));
  const data = useMemo<uPlot.AlignedData>(
    () => [samples.map((s) => Date.parse(s.ts) / 1000), ...present.map((p) => samples.map((s) => val(s, p.key)))],
    [samples, present.map((p) => p.key).join()],
  );
  if (present.length === 0) return null;
  const options = {
    ...common(yLabel, range),
    series: [{}, ...present.map((p) => ({ label: p.label, stroke: p.stroke, width: 1.5, spanGaps: false }))],
  };
  return (
    <figure className="card chart-card">
      <figcaption>{title}</figcaption>
      <Chart
        options={options}
        data={data}
        height={180}
        label={`${title}: ${present.map((p) => p.label).join(', ')} over time`}
        optionsKey={present.map((p) => p.key).join()}
      />
    </figure>
  );
}

/** Health reports over a chosen range: utilisation, temperature, radio signal, load. */
export function HealthCharts({ deviceId }: { deviceId: string }) {
  const [hours, setHours] = useState(6);
  const h = useAsync(() => api.devices.health(deviceId, hours), [deviceId, hours]);
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
        <span className="muted">Drag across a chart to zoom in; double-click to zoom out.</span>
      </div>
      <ErrorBox error={h.error} />
      {h.loading && !h.data ? <Loading /> : null}
      {h.data && samples.length === 0 ? <Empty>No health reports in this range.</Empty> : null}
      {samples.length > 0 ? (
        <div className="grid-2">
          <HealthChart
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
            samples={samples}
            title="Temperature (°C)"
            yLabel="°C"
            series={[{ key: 'temperatureC', label: 'Temperature', stroke: '#dc2626' }]}
          />
          <HealthChart
            samples={samples}
            title="Cellular signal (dBm)"
            yLabel="dBm"
            series={[{ key: 'signalDbm', label: 'Signal', stroke: '#0f766e' }]}
          />
          <HealthChart
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
