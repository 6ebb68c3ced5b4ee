import { TILE, toScreen, type Viewport } from './projection.js';

/** One XYZ tile on screen: its address and where its top-left corner and edge fall. */
export interface PlacedTile {
  z: number;
  x: number;
  y: number;
  sx: number;
  sy: number;
  size: number;
}

/** The most tiles one frame asks for (a 4K screen at a fractional zoom needs about 200). */
const MAX_TILES = 400;

/** The tiles of integer zoom floor(zoom) that cover the viewport, x wrapped around the world. */
export function visibleTiles(v: Viewport, maxZoom = 19): PlacedTile[] {
  const z = Math.max(0, Math.min(maxZoom, Math.floor(v.zoom)));
  const n = 2 ** z;
  const size = TILE * 2 ** (v.zoom - z);
  const [ox, oy] = toScreen(v, 0, 0);
  const first = (o: number) => Math.floor(-o / size);
  const out: PlacedTile[] = [];
  for (let ty = Math.max(0, first(oy)); ty < n && oy + ty * size < v.height; ty++)
    for (let tx = first(ox); ox + tx * size < v.width; tx++) {
      if (out.length >= MAX_TILES) return out;
      out.push({ z, x: ((tx % n) + n) % n, y: ty, sx: ox + tx * size, sy: oy + ty * size, size });
    }
  return out;
}

/** Fills an XYZ template (`https://tiles.example/{z}/{x}/{y}.png`). */
export function tileUrl(template: string, t: Pick<PlacedTile, 'z' | 'x' | 'y'>): string {
  return template.replaceAll('{z}', String(t.z)).replaceAll('{x}', String(t.x)).replaceAll('{y}', String(t.y));
}
