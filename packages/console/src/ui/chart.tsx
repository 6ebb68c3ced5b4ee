import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { TimelineMark } from '@outpost/protocol';

const MARK_COLOURS: Record<TimelineMark['kind'], string> = {
  reboot: '#7c3aed',
  update: '#0f766e',
  alert: '#dc2626',
  offline: 'rgba(100, 116, 139, 0.18)',
};
const MARK_LETTERS: Record<TimelineMark['kind'], string> = { reboot: 'R', update: 'U', alert: 'A', offline: '' };

/** Offline stretches shaded behind the series, other marks as vertical lines (canvas coordinates). */
function drawMarks(u: uPlot, marks: readonly TimelineMark[]) {
  const { left, top, width, height } = u.bbox;
  const x = (iso: string) => u.valToPos(Date.parse(iso) / 1000, 'x', true);
  const ctx = u.ctx;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  for (const m of marks) {
    if (m.kind === 'offline') {
      const a = Math.max(left, x(m.at));
      const b = Math.min(left + width, m.until ? x(m.until) : left + width);
      if (b <= a) continue;
      ctx.fillStyle = MARK_COLOURS.offline;
      ctx.fillRect(a, top, b - a, height);
    } else {
      const px = Math.round(x(m.at)) + 0.5;
      if (px < left || px > left + width) continue;
      ctx.strokeStyle = MARK_COLOURS[m.kind];
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.setLineDash([3 * devicePixelRatio, 3 * devicePixelRatio]);
      ctx.beginPath();
      ctx.moveTo(px, top);
      ctx.lineTo(px, top + height);
      ctx.stroke();
    }
  }
  ctx.restore();
}

/** A flag over the plot per mark in range, its label as tooltip (CSS pixels, over the canvas). */
function placeFlags(u: uPlot, layer: HTMLElement, marks: readonly TimelineMark[]) {
  layer.replaceChildren();
  const over = u.over.getBoundingClientRect();
  const origin = layer.getBoundingClientRect();
  const [dx, dy] = [over.left - origin.left, over.top - origin.top];
  const [min, max] = [u.scales.x.min ?? 0, u.scales.x.max ?? 0];
  for (const m of marks) {
    const t = Date.parse(m.at) / 1000;
    const end = m.kind === 'offline' ? (m.until ? Date.parse(m.until) / 1000 : max) : t;
    if (end < min || t > max) continue;
    const flag = document.createElement('span');
    flag.className = `chart-mark chart-mark-${m.kind}`;
    flag.dataset.kind = m.kind;
    flag.dataset.at = m.at;
    flag.title = m.label;
    flag.setAttribute('aria-label', m.label);
    flag.textContent = MARK_LETTERS[m.kind];
    flag.style.left = `${dx + u.valToPos(Math.max(t, min), 'x')}px`;
    flag.style.top = `${dy}px`;
    if (m.kind === 'offline')
      flag.style.width = `${Math.max(2, u.valToPos(Math.min(end, max), 'x') - u.valToPos(Math.max(t, min), 'x'))}px`;
    else flag.style.borderColor = MARK_COLOURS[m.kind];
    layer.append(flag);
  }
}

/**
 * A uPlot chart that fills its container's width. `options` is read when the chart is created
 * (and again when `optionsKey` changes); new `data` is drawn in place. `markers` (reboots,
 * updates, alerts, offline stretches) are drawn over any chart with a time x axis.
 */
export function Chart({
  options,
  data,
  height = 220,
  label,
  optionsKey = '',
  markers = [],
}: {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
  label: string;
  optionsKey?: string;
  markers?: readonly TimelineMark[];
}) {
  const box = useRef<HTMLDivElement>(null);
  const flags = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;
  const marks = useRef(markers);
  marks.current = markers;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const hooks = options.hooks ?? {};
    const u = new uPlot(
      {
        ...options,
        hooks: {
          ...hooks,
          draw: [
            ...(hooks.draw ?? []),
            (p) => {
              drawMarks(p, marks.current);
              if (flags.current) placeFlags(p, flags.current, marks.current);
            },
          ],
        },
        width: Math.max(200, el.clientWidth),
        height,
      },
      latest.current,
      el,
    );
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its shape changes (optionsKey); data and marks flow in below.
  }, [optionsKey, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  useEffect(() => {
    plot.current?.redraw(false);
  }, [markers]);

  return (
    <div className="chart-wrap">
      <div ref={box} className="chart" role="img" aria-label={label} />
      <div ref={flags} className="chart-marks" data-testid="chart-marks" />
    </div>
  );
}
