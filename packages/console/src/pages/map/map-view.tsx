import { useEffect, useMemo, useRef } from 'react';
import { detailFor, drawBasemap, loadBasemap, SEA, type Basemap, type Detail } from './basemap.js';
import { buildClusterIndex, deviceCount, type PointColumns } from './cluster-index.js';
import { attachGestures } from './gestures.js';
import { hitAt, type Hit } from './hit-test.js';
import { drawItems, drawShapes, drawTracks, type MapShape, type MapTrack } from './overlays.js';
import { boundsOf, fitView, unproject, viewAt, zoomAround, type Viewport } from './projection.js';
import { createRasterTiles, type RasterTiles } from './raster-tiles.js';

export type { MapShape, MapTrack } from './overlays.js';

/** Where the map looks, as a person would write it. */
export interface MapPlace {
  lat: number;
  lon: number;
  zoom: number;
}

export interface MapViewProps {
  /** Devices as parallel columns (row i: ids[i] at lat[i], lon[i]). */
  points: PointColumns & { ids: readonly string[] };
  /** The colour of device row i (default: the accent colour). */
  colorOf?(index: number): string;
  tracks?: readonly MapTrack[];
  shapes?: readonly MapShape[];
  /** An XYZ raster template drawn instead of the built-in basemap (null: built-in, nothing leaves the hub). */
  tileUrl?: string | null;
  /** Where to look first; without it the map fits the points. */
  place?: MapPlace | null;
  /** The view after a drag, wheel run, click or key ended. */
  onPlaceChange?(p: MapPlace): void;
  onDeviceClick?(index: number): void;
  label: string;
}

const DEFAULT_COLOR = '#1d4ed8';

/**
 * The fleet on a canvas map: Web Mercator over an offline Natural Earth basemap (or an admin's
 * tile server), devices clustered so 100,000 of them draw in a few milliseconds, geofence shapes
 * and tracks on top. Drag to pan, wheel or buttons to zoom, click a bubble to zoom into it.
 */
export function MapView(props: MapViewProps) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const index = useMemo(() => buildClusterIndex(props.points), [props.points]);
  const state = useRef<{
    view: Viewport | null;
    hits: Hit[];
    frame: number;
    basemaps: Partial<Record<Detail, Basemap>>;
    raster: RasterTiles | null;
  }>({ view: null, hits: [], frame: 0, basemaps: {}, raster: null });

  function draw() {
    state.current.frame = 0;
    const c = canvas.current;
    const v = state.current.view;
    if (!c || !v) return;
    const t0 = performance.now();
    const ctx = c.getContext('2d')!;
    const dpr = c.width / Math.max(1, v.width);
    const p = latest.current;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = SEA;
    ctx.fillRect(0, 0, v.width, v.height);
    const s = state.current;
    const detail = detailFor(v.zoom);
    const basemap = s.basemaps[detail] ?? s.basemaps['110m'] ?? s.basemaps['50m'];
    if (s.raster) s.raster.draw(ctx, v);
    else if (basemap) drawBasemap(ctx, v, basemap, dpr);
    if (!s.raster && !s.basemaps[detail]) void loadBasemap(detail).then((b) => ((s.basemaps[detail] = b), redraw()));
    drawShapes(ctx, v, p.shapes ?? []);
    const items = index.itemsIn(boundsOf(v), v.zoom);
    s.hits = drawItems(ctx, v, items, p.colorOf ?? (() => DEFAULT_COLOR));
    // A track asked for is what the person looks at: over the devices.
    drawTracks(ctx, v, p.tracks ?? []);
    c.dataset.devicesShown = String(deviceCount(items));
    c.dataset.zoom = v.zoom.toFixed(2);
    c.dataset.drawMs = (performance.now() - t0).toFixed(2);
    c.dataset.ready = String(Boolean(s.raster || basemap));
  }

  function redraw() {
    if (!state.current.frame) state.current.frame = requestAnimationFrame(draw);
  }

  function setView(v: Viewport) {
    state.current.view = v;
    redraw();
  }

  function settled() {
    const v = state.current.view;
    if (!v) return;
    const [lat, lon] = unproject(v.cx, v.cy);
    latest.current.onPlaceChange?.({ lat, lon, zoom: v.zoom });
  }

  function zoomBy(dz: number) {
    const v = state.current.view;
    if (!v) return;
    setView(zoomAround(v, v.width / 2, v.height / 2, Math.round(v.zoom + dz)));
    settled();
  }

  function fit() {
    const v = state.current.view;
    if (!v) return;
    const { lat, lon } = latest.current.points;
    const pts: Array<[number, number]> = [];
    for (let i = 0; i < lat.length; i++) pts.push([lat[i], lon[i]]);
    setView(fitView(pts, v.width, v.height));
    settled();
  }

  // Size: the canvas follows its box, in device pixels; the first size places the view.
  useEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => {
      const c = canvas.current!;
      const width = el.clientWidth;
      const height = el.clientHeight;
      const dpr = window.devicePixelRatio || 1;
      c.width = Math.round(width * dpr);
      c.height = Math.round(height * dpr);
      const p = latest.current;
      const v = state.current.view;
      if (v) setView({ ...v, width, height });
      else if (p.place) setView(viewAt(p.place.lat, p.place.lon, p.place.zoom, width, height));
      else {
        const pts: Array<[number, number]> = [];
        for (let i = 0; i < p.points.lat.length; i++) pts.push([p.points.lat[i], p.points.lon[i]]);
        setView(fitView(pts, width, height));
      }
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(
    () =>
      attachGestures(canvas.current!, {
        view: () => state.current.view!,
        setView,
        settled,
        tap(x, y) {
          const h = hitAt(state.current.hits, x, y);
          if (!h) return;
          if (h.item.kind === 'device') latest.current.onDeviceClick?.(h.item.index);
          else {
            const v = state.current.view!;
            setView(zoomAround(v, x, y, Math.max(v.zoom + 1, index.expansionZoom(h.item.clusterId))));
            settled();
          }
        },
      }),
    [index],
  );

  useEffect(() => {
    state.current.raster = props.tileUrl ? createRasterTiles(props.tileUrl, redraw) : null;
    redraw();
  }, [props.tileUrl]);

  // A new place from outside (the address bar) moves the map; its own moves come back equal.
  useEffect(() => {
    const v = state.current.view;
    const p = props.place;
    if (!v || !p) return;
    const [lat, lon] = unproject(v.cx, v.cy);
    if (Math.abs(lat - p.lat) > 1e-6 || Math.abs(lon - p.lon) > 1e-6 || Math.abs(v.zoom - p.zoom) > 1e-3)
      setView(viewAt(p.lat, p.lon, p.zoom, v.width, v.height));
  }, [props.place?.lat, props.place?.lon, props.place?.zoom]);

  useEffect(redraw, [index, props.colorOf, props.tracks, props.shapes]);
  useEffect(() => () => cancelAnimationFrame(state.current.frame), []);

  return (
    <div className="map-view" ref={box}>
      <canvas ref={canvas} tabIndex={0} role="img" aria-label={props.label} data-testid="map-canvas" />
      <div className="map-controls">
        <button type="button" className="secondary" aria-label="Zoom in" onClick={() => zoomBy(1)}>
          +
        </button>
        <button type="button" className="secondary" aria-label="Zoom out" onClick={() => zoomBy(-1)}>
          −
        </button>
        <button type="button" className="secondary" aria-label="Show every device" onClick={fit}>
          ⤢
        </button>
      </div>
      <div className="map-attribution muted">{props.tileUrl ? 'Tiles: your tile server' : 'Natural Earth'}</div>
    </div>
  );
}
