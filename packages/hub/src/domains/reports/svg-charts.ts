// Inline SVG charts for reports. Every chart is one series in a dark fill with its values written
// on it, so it reads the same in colour, in greyscale and on a black-and-white printer.

const FONT = 'font-family="Helvetica, Arial, sans-serif"';
const INK = '#222';
const FILL = '#3b5b7a';
const GRID = '#bbb';

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function yAxis(x: number, top: number, h: number, max: number, fmt: (v: number) => string, width: number) {
  const lines: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = top + h - (h * i) / 4;
    lines.push(
      `<line x1="${x}" y1="${y}" x2="${width - 8}" y2="${y}" stroke="${GRID}" stroke-width="0.5" stroke-dasharray="${i ? '2,2' : ''}"/>`,
    );
    lines.push(
      `<text x="${x - 4}" y="${y + 3}" font-size="9" text-anchor="end" fill="${INK}" ${FONT}>${esc(fmt(v))}</text>`,
    );
  }
  return lines.join('');
}

function frame(title: string, width: number, height: number, body: string) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">` +
    `<text x="0" y="13" font-size="12" font-weight="bold" fill="${INK}" ${FONT}>${esc(title)}</text>${body}</svg>`
  );
}

/** Vertical bars over a sequence (hours, days); `labelEvery` thins the x labels. */
export function barChart(o: {
  title: string;
  bars: Array<{ label: string; value: number | null }>;
  fmt?: (v: number) => string;
  max?: number;
  width?: number;
  height?: number;
}): string {
  const width = o.width ?? 680;
  const height = o.height ?? 200;
  const fmt = o.fmt ?? ((v: number) => String(Math.round(v)));
  const left = 48;
  const top = 24;
  const h = height - top - 30;
  const w = width - left - 10;
  if (o.bars.length === 0)
    return frame(
      o.title,
      width,
      60,
      `<text x="0" y="40" font-size="11" fill="${INK}" ${FONT}>no data in this period</text>`,
    );
  const max = o.max ?? niceMax(Math.max(...o.bars.map((b) => b.value ?? 0)));
  const step = w / o.bars.length;
  const labelEvery = Math.ceil(o.bars.length / 12);
  const showValues = o.bars.length <= 31;
  const bars = o.bars
    .map((b, i) => {
      // No value (nothing to measure in that bucket) is not zero: no bar, a dash.
      const v = b.value ?? 0;
      const bh = max > 0 ? (Math.min(v, max) / max) * h : 0;
      const x = left + i * step + step * 0.1;
      const bw = step * 0.8;
      const y = top + h - bh;
      const shown = b.value === null ? '–' : fmt(b.value);
      const value = showValues
        ? `<text x="${x + bw / 2}" y="${y - 2}" font-size="8" text-anchor="middle" fill="${INK}" ${FONT}>${esc(shown)}</text>`
        : '';
      const label =
        i % labelEvery === 0
          ? `<text x="${x + bw / 2}" y="${top + h + 12}" font-size="9" text-anchor="middle" fill="${INK}" ${FONT}>${esc(b.label)}</text>`
          : '';
      return `<rect x="${x}" y="${y}" width="${bw}" height="${bh}" fill="${FILL}"><title>${esc(`${b.label}: ${shown}`)}</title></rect>${value}${label}`;
    })
    .join('');
  return frame(o.title, width, height, yAxis(left, top, h, max, fmt, width) + bars);
}

/** Horizontal bars with their labels and values written out, for rankings and distributions. */
export function hbarChart(o: {
  title: string;
  bars: Array<{ label: string; value: number }>;
  fmt?: (v: number) => string;
  width?: number;
}): string {
  const width = o.width ?? 680;
  const fmt = o.fmt ?? ((v: number) => String(Math.round(v)));
  const rowH = 18;
  const labelW = 200;
  const top = 22;
  const bars = o.bars.slice(0, 20);
  const height = top + Math.max(1, bars.length) * rowH + 6;
  if (bars.length === 0)
    return frame(
      o.title,
      width,
      60,
      `<text x="0" y="40" font-size="11" fill="${INK}" ${FONT}>no data in this period</text>`,
    );
  const max = Math.max(...bars.map((b) => b.value), 1);
  const w = width - labelW - 70;
  const rows = bars
    .map((b, i) => {
      const y = top + i * rowH;
      const bw = Math.max(1, (b.value / max) * w);
      return (
        `<text x="${labelW - 6}" y="${y + 12}" font-size="10" text-anchor="end" fill="${INK}" ${FONT}>${esc(b.label.slice(0, 36))}</text>` +
        `<rect x="${labelW}" y="${y + 3}" width="${bw}" height="${rowH - 6}" fill="${FILL}"/>` +
        `<text x="${labelW + bw + 4}" y="${y + 12}" font-size="10" fill="${INK}" ${FONT}>${esc(fmt(b.value))}</text>`
      );
    })
    .join('');
  return frame(o.title, width, height, rows);
}

/** A line over the report period with dots, minimum and maximum marked; for one health metric. */
export function lineChart(o: {
  title: string;
  points: Array<{ at: string; value: number }>;
  fmt?: (v: number) => string;
  min?: number;
  max?: number;
  from?: string;
  to?: string;
  width?: number;
  height?: number;
}): string {
  const width = o.width ?? 680;
  const height = o.height ?? 170;
  const fmt = o.fmt ?? ((v: number) => String(Math.round(v * 10) / 10));
  if (o.points.length === 0)
    return frame(
      o.title,
      width,
      60,
      `<text x="0" y="40" font-size="11" fill="${INK}" ${FONT}>no data in this period</text>`,
    );
  const left = 48;
  const top = 24;
  const h = height - top - 30;
  const w = width - left - 12;
  const vals = o.points.map((p) => p.value);
  let lo = Math.min(o.min ?? Infinity, ...vals);
  let hi = Math.max(o.max ?? -Infinity, ...vals);
  if (o.min === undefined) lo = Math.min(0, lo);
  if (o.max === undefined) hi = lo + niceMax(hi - lo);
  if (hi - lo < 1e-9) hi = lo + 1;
  const span = hi - lo;
  const t0 = o.from ? Date.parse(o.from) : Date.parse(o.points[0].at);
  const t1 = Math.max(t0 + 1, o.to ? Date.parse(o.to) : Date.parse(o.points[o.points.length - 1].at));
  const xy = o.points.map(
    (p) => [left + ((Date.parse(p.at) - t0) / (t1 - t0)) * w, top + h - ((p.value - lo) / span) * h] as const,
  );
  const path = xy.map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const dots = xy.map(([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="2" fill="${INK}"/>`).join('');
  const stamp = (t: number) => new Date(t).toISOString().slice(5, 16).replace('T', ' ');
  const axis =
    `<text x="${left}" y="${top + h + 12}" font-size="9" text-anchor="start" fill="${INK}" ${FONT}>${esc(stamp(t0))}</text>` +
    `<text x="${left + w}" y="${top + h + 12}" font-size="9" text-anchor="end" fill="${INK}" ${FONT}>${esc(stamp(t1))} UTC</text>`;
  const grid = yAxis(left, top, h, span, (v) => fmt(v + lo), width);
  const note = `<text x="${width - 12}" y="13" font-size="10" text-anchor="end" fill="${INK}" ${FONT}>min ${esc(fmt(Math.min(...vals)))} · max ${esc(fmt(Math.max(...vals)))}</text>`;
  return frame(
    o.title,
    width,
    height,
    grid + `<path d="${path}" fill="none" stroke="${INK}" stroke-width="1.5"/>` + dots + axis + note,
  );
}
