import { connect, type Socket } from 'node:net';
import type { GeoFix } from '@outpost/protocol';
import type { Clock } from '../core/ports.js';

// A gpsd client (gpsd JSON protocol, https://gpsd.io/gpsd_json.html): after connecting it sends
// `?WATCH={"enable":true,"json":true};` and reads newline-separated JSON objects; TPV
// (time-position-velocity) reports carry the fix. Mode 0/1 means no fix. gpsd's lines stay far
// below the limit here; a longer line is dropped so a broken peer cannot grow memory.

const MAX_LINE = 16 * 1024;

export interface GpsdOptions {
  host?: string;
  port?: number;
  clock: Clock;
  /** A fix older than this is no longer where the device is. */
  maxAgeMs?: number;
  retryMs?: number;
}

export interface GpsdClient {
  /** The latest fix while it is fresh; undefined without one. */
  fix(): GeoFix | undefined;
  stop(): void;
}

const num = (v: unknown, min: number, max: number) =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : undefined;

/** A TPV object as gpsd sends it, turned into a fix; undefined when it holds no position. */
export function fixFromTpv(tpv: Record<string, unknown>, receivedAt: number): GeoFix | undefined {
  if (tpv.class !== 'TPV' || (tpv.mode !== 2 && tpv.mode !== 3)) return undefined;
  const lat = num(tpv.lat, -90, 90);
  const lon = num(tpv.lon, -180, 180);
  if (lat === undefined || lon === undefined) return undefined;
  const at = typeof tpv.time === 'string' ? Date.parse(tpv.time) : NaN;
  const fix: GeoFix = { lat, lon, mode: tpv.mode, fixAt: Number.isFinite(at) && at > 0 ? at : receivedAt };
  const alt = num(tpv.altHAE ?? tpv.alt, -1000, 100_000);
  const eph = num(tpv.eph, 0, 1e7);
  const speed = num(tpv.speed, 0, 10_000);
  const track = num(tpv.track, 0, 360);
  if (alt !== undefined && tpv.mode === 3) fix.altM = alt;
  if (eph !== undefined) fix.accuracyM = eph;
  if (speed !== undefined) fix.speedMps = speed;
  if (track !== undefined) fix.trackDeg = track;
  return fix;
}

export function createGpsdClient(o: GpsdOptions): GpsdClient {
  const maxAgeMs = o.maxAgeMs ?? 120_000;
  let last: { fix: GeoFix; at: number } | undefined;
  let socket: Socket | null = null;
  let retry: { cancel(): void } | null = null;
  let stopped = false;

  function onLine(line: string) {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      return;
    }
    if (!obj || typeof obj !== 'object') return;
    const fix = fixFromTpv(obj as Record<string, unknown>, o.clock.now());
    if (fix) last = { fix, at: o.clock.now() };
  }

  function open() {
    if (stopped) return;
    let buffer = '';
    let dropping = false;
    const s = connect({ host: o.host ?? '127.0.0.1', port: o.port ?? 2947 });
    socket = s;
    s.setEncoding('utf8');
    s.on('connect', () => s.write('?WATCH={"enable":true,"json":true};\n'));
    s.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!dropping) onLine(line);
        dropping = false;
      }
      if (buffer.length > MAX_LINE) [buffer, dropping] = ['', true];
    });
    s.on('error', () => undefined);
    s.on('close', () => {
      if (socket === s) socket = null;
      if (!stopped) retry = o.clock.setTimeout(open, o.retryMs ?? 10_000);
    });
  }

  open();
  return {
    fix() {
      if (!last || o.clock.now() - last.at > maxAgeMs) return undefined;
      return last.fix;
    },
    stop() {
      stopped = true;
      retry?.cancel();
      socket?.destroy();
    },
  };
}
