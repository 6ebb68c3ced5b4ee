import { useMemo, useRef, type RefObject } from 'react';
import type uPlot from 'uplot';
import { Chart } from '../../ui/chart.js';
import type { Aligned } from './trend-data.js';

const COLOURS = ['#1d4ed8', '#dc2626', '#0f766e', '#b45309', '#7c3aed', '#475569', '#be185d', '#15803d'];

export interface ChartSeries {
  key: string;
  label: string;
  unit?: string;
}

function fade(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/**
 * The shape of the chart: one line per series on a scale per unit (the first two units get an
 * axis, left and right), and for rolled-up series the bucket's min and max as a shaded band.
 */
function optionsOf(
  series: ChartSeries[],
  aligned: Aligned,
  span: { from: number; to: number },
  onZoom: RefObject<((from: number, to: number) => void) | null>,
): Omit<uPlot.Options, 'width' | 'height'> {
  const units = [...new Set(series.map((s) => s.unit ?? ''))];
  const opts: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  aligned.columns.forEach((c, i) => {
    const s = series[i];
    const colour = COLOURS[i % COLOURS.length];
    const scale = `u:${s.unit ?? ''}`;
    opts.push({ label: s.label, stroke: colour, width: 1.5, scale, spanGaps: true, points: { show: false } });
    if (c.min && c.max) {
      const maxIdx = opts.length;
      opts.push({ label: `${s.label} max`, stroke: fade(colour, 0.35), width: 0.5, scale, spanGaps: true });
      opts.push({ label: `${s.label} min`, stroke: fade(colour, 0.35), width: 0.5, scale, spanGaps: true });
      bands.push({ series: [maxIdx, maxIdx + 1], fill: fade(colour, 0.12) });
    }
  });
  const axes: uPlot.Axis[] = [{}];
  units.slice(0, 2).forEach((u, i) => axes.push({ scale: `u:${u}`, label: u || 'value', side: i === 0 ? 3 : 1 }));
  return {
    // The whole range asked for, so a gap in the data shows as a gap.
    scales: { x: { time: true, range: [span.from / 1000, span.to / 1000] } },
    series: opts,
    bands,
    axes,
    cursor: { drag: { x: true, y: false, setScale: false } },
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width < 5) return;
          const from = u.posToVal(u.select.left, 'x') * 1000;
          const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          onZoom.current?.(Math.round(from), Math.round(to));
        },
      ],
    },
  };
}

/** Several series on one time axis; dragging across it asks for that range (`onZoom`). */
export function TrendChart({
  series,
  aligned,
  span,
  onZoom,
}: {
  series: ChartSeries[];
  aligned: Aligned;
  /** The range asked for, ms since the epoch. */
  span: { from: number; to: number };
  onZoom(from: number, to: number): void;
}) {
  const zoom = useRef(onZoom);
  zoom.current = onZoom;
  const shape = `${aligned.columns.map((c) => `${c.key}${c.min ? '+band' : ''}`).join(',')}@${span.from}-${span.to}`;
  const options = useMemo(() => optionsOf(series, aligned, span, zoom), [shape]);
  const data = useMemo<uPlot.AlignedData>(() => {
    const cols: Array<Array<number | null>> = [];
    for (const c of aligned.columns) {
      cols.push(c.value);
      if (c.min && c.max) cols.push(c.max, c.min);
    }
    return [aligned.xs, ...cols];
  }, [aligned]);
  return (
    <div data-testid="trend-chart" data-series={series.length} data-rows={aligned.xs.length}>
      <Chart
        options={options}
        data={data}
        height={360}
        label={`Trend of ${series.map((s) => s.label).join(', ')}`}
        optionsKey={shape}
      />
    </div>
  );
}
