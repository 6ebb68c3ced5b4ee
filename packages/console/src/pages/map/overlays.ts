import type { MapItem } from './cluster-index.js';
import type { MapShape } from './fence-shapes.js';
import { bubbleRadius, compact, type Hit } from './hit-test.js';
import { metersPerPixel, project, toScreen, type Viewport } from './projection.js';

// Everything drawn over the basemap, in screen pixels: geofence shapes, tracks, cluster bubbles
// and device dots. Each drawn item is kept with its place so a click can find what it hit.

export type { MapShape } from './fence-shapes.js';

export interface MapTrack {
  id: string;
  points: Array<[number, number]>;
}

export const DEVICE_RADIUS_PX = 5;
const SHAPE = '#7c3aed';
const TRACK = '#c2410c';

function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number) {
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.lineWidth = 3;
  ctx.strokeStyle = 'rgba(255,255,255,0.9)';
  ctx.strokeText(text, x, y);
  ctx.fillStyle = SHAPE;
  ctx.fillText(text, x, y);
}

export function drawShapes(ctx: CanvasRenderingContext2D, v: Viewport, shapes: readonly MapShape[]) {
  ctx.strokeStyle = SHAPE;
  ctx.fillStyle = 'rgba(124,58,237,0.12)';
  for (const s of shapes) {
    ctx.beginPath();
    let at: [number, number];
    if (s.kind === 'circle') {
      at = toScreen(v, ...project(s.lat, s.lon));
      const r = s.radiusM / metersPerPixel(s.lat, v.zoom);
      ctx.arc(at[0], at[1], Math.max(2, r), 0, 2 * Math.PI);
    } else {
      const pts = s.points.map(([lat, lon]) => toScreen(v, ...project(lat, lon)));
      pts.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
      ctx.closePath();
      at = pts.reduce(([ax, ay], [x, y]) => [ax + x / pts.length, ay + y / pts.length], [0, 0]);
    }
    ctx.fillStyle = 'rgba(124,58,237,0.12)';
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = SHAPE;
    ctx.stroke();
    if (s.label) label(ctx, s.label, at[0], at[1]);
  }
}

export function drawTracks(ctx: CanvasRenderingContext2D, v: Viewport, tracks: readonly MapTrack[]) {
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  for (const t of tracks) {
    if (t.points.length === 0) continue;
    const pts = t.points.map(([lat, lon]) => toScreen(v, ...project(lat, lon)));
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    ctx.strokeStyle = TRACK;
    ctx.lineWidth = 3;
    ctx.stroke();
    // Start hollow, end filled: the direction of travel.
    const [sx, sy] = pts[0];
    const [ex, ey] = pts[pts.length - 1];
    ctx.fillStyle = '#fff';
    ctx.beginPath();
    ctx.arc(sx, sy, 5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = TRACK;
    ctx.beginPath();
    ctx.arc(ex, ey, 6, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** Draws clusters and devices; answers what was drawn, for hit tests. */
export function drawItems(
  ctx: CanvasRenderingContext2D,
  v: Viewport,
  items: readonly MapItem[],
  colorOf: (index: number) => string,
): Hit[] {
  const hits: Hit[] = [];
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = '600 11px system-ui, sans-serif';
  for (const it of items) {
    const [sx, sy] = toScreen(v, ...project(it.lat, it.lon));
    if (sx < -40 || sy < -40 || sx > v.width + 40 || sy > v.height + 40) continue;
    if (it.kind === 'cluster') {
      const r = bubbleRadius(it.count);
      ctx.beginPath();
      ctx.arc(sx, sy, r, 0, 2 * Math.PI);
      ctx.fillStyle = 'rgba(29,78,216,0.82)';
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      ctx.fillStyle = '#fff';
      ctx.fillText(compact(it.count), sx, sy);
      hits.push({ item: it, sx, sy, r });
    } else {
      ctx.beginPath();
      ctx.arc(sx, sy, DEVICE_RADIUS_PX, 0, 2 * Math.PI);
      ctx.fillStyle = colorOf(it.index);
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = '#fff';
      ctx.stroke();
      hits.push({ item: it, sx, sy, r: DEVICE_RADIUS_PX + 3 });
    }
  }
  return hits;
}
