import { feature, mesh } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Geometry, Position } from 'geojson';
import countries110m from 'world-atlas/countries-110m.json?url';
import countries50m from 'world-atlas/countries-50m.json?url';
import { project, worldSize, type Viewport } from './projection.js';

// The offline basemap: Natural Earth land and country borders (world-atlas), fetched from the hub
// itself (the files are part of the console's build), projected once into world units and drawn
// as two paths with a transform, so a frame costs two fills and a stroke at any zoom.

export type Detail = '110m' | '50m';
/** Below this zoom the 1:110m outlines are finer than a pixel; above it the 1:50m ones are fetched. */
export const DETAIL_ZOOM = 3.5;
export const detailFor = (zoom: number): Detail => (zoom < DETAIL_ZOOM ? '110m' : '50m');

/** Rings (land polygons) and lines (borders) in world units. */
export interface BasemapShapes {
  land: number[][][];
  borders: number[][][];
}

export interface Basemap {
  land: Path2D;
  borders: Path2D;
}

type Countries = Topology<{ countries: GeometryCollection; land: GeometryCollection }>;

function projectLine(line: Position[]): number[][] {
  return line.map(([lon, lat]) => project(lat, lon));
}

function ringsOf(g: Geometry): Position[][] {
  switch (g.type) {
    case 'Polygon':
      return g.coordinates;
    case 'MultiPolygon':
      return g.coordinates.flat();
    case 'LineString':
      return [g.coordinates];
    case 'MultiLineString':
      return g.coordinates;
    case 'GeometryCollection':
      return g.geometries.flatMap(ringsOf);
    default:
      return [];
  }
}

/** Land rings and the borders between countries (each drawn once) of a world-atlas topology, projected. */
export function basemapShapes(topo: Countries): BasemapShapes {
  const landGeoms = feature(topo, topo.objects.land).features.map((f) => f.geometry);
  const borders = mesh(topo, topo.objects.countries, (a, b) => a !== b);
  return { land: landGeoms.flatMap(ringsOf).map(projectLine), borders: ringsOf(borders).map(projectLine) };
}

function toPath(lines: number[][][], close: boolean): Path2D {
  const p = new Path2D();
  for (const line of lines) {
    line.forEach(([x, y], i) => (i === 0 ? p.moveTo(x, y) : p.lineTo(x, y)));
    if (close) p.closePath();
  }
  return p;
}

const loaded = new Map<Detail, Promise<Basemap>>();

/** The basemap at one detail, fetched once per page. */
export function loadBasemap(detail: Detail): Promise<Basemap> {
  let p = loaded.get(detail);
  if (!p) {
    p = fetch(detail === '110m' ? countries110m : countries50m)
      .then((r) => {
        if (!r.ok) throw new Error(`basemap ${detail}: HTTP ${r.status}`);
        return r.json() as Promise<Countries>;
      })
      .then((topo) => {
        const s = basemapShapes(topo);
        return { land: toPath(s.land, true), borders: toPath(s.borders, false) };
      });
    p.catch(() => loaded.delete(detail));
    loaded.set(detail, p);
  }
  return p;
}

export const SEA = '#dbe7f1';
const LAND = '#f7f5ef';
const BORDER = '#b9b4a6';

/** Draws land and borders; the canvas transform is reset afterwards. */
export function drawBasemap(ctx: CanvasRenderingContext2D, v: Viewport, b: Basemap, dpr: number) {
  const s = worldSize(v.zoom);
  ctx.save();
  ctx.setTransform(dpr * s, 0, 0, dpr * s, dpr * (v.width / 2 - v.cx * s), dpr * (v.height / 2 - v.cy * s));
  ctx.fillStyle = LAND;
  ctx.fill(b.land, 'evenodd');
  ctx.strokeStyle = BORDER;
  ctx.lineWidth = 1 / s;
  ctx.stroke(b.borders);
  ctx.restore();
}
