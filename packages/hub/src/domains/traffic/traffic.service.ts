import { FlowsMessage, compileValidator, type FlowPort } from '@outpost/protocol';
import type { Clock, Timer } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { TrafficReader, TrafficStatus } from './traffic-reader.js';
import { HOUR_MS, hourFloor, hourIso, hourOfWeek } from '../fleet/index.js';
import { chooseBaseline } from './baseline.js';
import type { PortRow, SampleRow, TrafficStore } from './traffic.store.js';
import type { DeviceTraffic, TrafficBaseline } from '@outpost/protocol';
import type { DeviceWhere } from '../devices/index.js';

const validate = compileValidator(FlowsMessage);
// Past hours count for a baseline only with this much data in them.
const MIN_HOUR_SECONDS = 600;
const WEEKS_BACK = 8;
const DAYS_BACK = 14;
const RECENT = 120;
// Known ports are written back (last seen, bytes) at most this often.
const PORT_WRITE_MS = HOUR_MS;

/** What the service keeps in memory per device. */
interface DeviceTrafficState {
  firstSeen: number;
  recent: number[];
  hourly: { hour: number; weekly: number[]; daily: number[] } | null;
  ports: Map<string, PortRow & { writtenAt: number }>;
  status?: TrafficStatus;
}

export interface TrafficDeps {
  store: TrafficStore;
  clock: Clock;
  logger: Logger;
  /** Ports first seen within this long after a device's first report are learned, not new. */
  learningS: number;
  flushMs: number;
}

export interface TrafficService {
  onFlows: (deviceId: string, payload: Buffer) => Promise<void>;
  reader: TrafficReader;
  flush: () => Promise<void>;
  deviceTraffic: (id: string, hours: number) => Promise<DeviceTraffic>;
  summary: (
    fromIso: string,
    toIso: string,
    where: DeviceWhere | null,
  ) => Promise<{
    byHour: {
      hour: string;
      bytes: number;
    }[];
    byDevice: Map<string, number>;
  }>;
}

/** Takes `flows` reports, keeps raw samples and hourly roll-ups, a baseline per device, and known ports. */
export function createTrafficService(d: TrafficDeps): TrafficService {
  const devices = new Map<string, DeviceTrafficState>();
  const loading = new Map<string, Promise<DeviceTrafficState>>();
  let pending: SampleRow[] = [];
  let timer: Timer | null = null;

  async function load(id: string): Promise<DeviceTrafficState> {
    const have = devices.get(id);
    if (have) return have;
    let p = loading.get(id);
    if (!p) {
      p = (async () => {
        const firstSeen = Date.parse(await d.store.firstSeen(id, d.clock.now().toISOString()));
        const ports = new Map(
          (await d.store.ports(id)).map((r) => [portKey(r), { ...r, writtenAt: d.clock.now().getTime() }]),
        );
        const t: DeviceTrafficState = { firstSeen, recent: [], hourly: null, ports };
        devices.set(id, t);
        loading.delete(id);
        return t;
      })();
      loading.set(id, p);
    }
    return p;
  }

  /** History for this hour's baseline, read once per device and hour. */
  async function hourlyHistory(id: string, t: DeviceTrafficState, now: number) {
    const hour = hourFloor(now);
    if (t.hourly?.hour === hour) return t.hourly;
    const rows = await d.store.hourlyRates(
      id,
      new Date(hour - WEEKS_BACK * 7 * 24 * HOUR_MS).toISOString(),
      new Date(hour).toISOString(),
      MIN_HOUR_SECONDS,
    );
    const how = hourOfWeek(now);
    const hod = new Date(hour).getUTCHours();
    const dayFrom = hour - DAYS_BACK * 24 * HOUR_MS;
    t.hourly = {
      hour,
      weekly: rows.filter((r) => r.how === how).map((r) => r.rate),
      daily: rows
        .filter((r) => new Date(r.hour).getUTCHours() === hod && Date.parse(r.hour) >= dayFrom)
        .map((r) => r.rate),
    };
    return t.hourly;
  }

  function schedule() {
    if (timer) return;
    timer = d.clock.after(d.flushMs, flush);
  }

  async function flush() {
    timer?.cancel();
    timer = null;
    const rows = pending;
    pending = [];
    try {
      await d.store.writeSamples(rows);
    } catch (err) {
      d.logger.error({ err, rows: rows.length }, 'traffic samples could not be stored');
    }
  }

  async function trackPorts(id: string, t: DeviceTrafficState, ports: FlowPort[], now: number) {
    const learning = now - t.firstSeen < d.learningS * 1000;
    const iso = new Date(now).toISOString();
    const writes: PortRow[] = [];
    for (const p of ports) {
      const key = portKey(p);
      const known = t.ports.get(key);
      if (!known) {
        const row = {
          deviceId: id,
          proto: p.proto,
          port: p.port,
          dir: p.dir,
          firstSeen: iso,
          lastSeen: iso,
          novel: !learning,
          bytes: p.bytes ?? 0,
          writtenAt: now,
        };
        t.ports.set(key, row);
        writes.push(row);
        if (!learning)
          d.logger.info({ deviceId: id, port: key }, 'device used a protocol/port never seen on it before');
        continue;
      }
      known.lastSeen = iso;
      known.bytes += p.bytes ?? 0;
      if (now - known.writtenAt >= PORT_WRITE_MS) {
        known.writtenAt = now;
        writes.push(known);
      }
    }
    await d.store.upsertPorts(writes);
  }

  /** The `flows` topic handler: validate, keep the sample, move the baseline, learn ports. */
  async function onFlows(deviceId: string, payload: Buffer): Promise<void> {
    const m = validate.parse(payload);
    if (!m.ok) {
      d.logger.warn({ deviceId, code: m.code, message: m.message }, 'flows report rejected');
      return;
    }
    const now = d.clock.now().getTime();
    const f = m.value;
    const sum = (k: 'rxBytes' | 'txBytes' | 'rxPackets' | 'txPackets') => f.interfaces.reduce((a, i) => a + i[k], 0);
    pending.push({
      deviceId,
      ts: new Date(now).toISOString(),
      hour: hourIso(now),
      how: hourOfWeek(now),
      periodS: f.periodS,
      rxBytes: sum('rxBytes'),
      txBytes: sum('txBytes'),
      rxPackets: sum('rxPackets'),
      txPackets: sum('txPackets'),
    });
    schedule();
    const t = await load(deviceId);
    const rate = (sum('rxBytes') + sum('txBytes')) / f.periodS;
    const h = await hourlyHistory(deviceId, t, now);
    const baseline: TrafficBaseline | null = chooseBaseline({
      sameHourOfWeek: h.weekly,
      sameHourOfDay: h.daily,
      recent: t.recent,
    });
    t.status = { at: now, periodS: f.periodS, bytesPerS: rate, baseline };
    t.recent.push(rate);
    if (t.recent.length > RECENT) t.recent.shift();
    await trackPorts(deviceId, t, f.ports, now);
  }

  const reader: TrafficReader = {
    status: (id) => devices.get(id)?.status,
    async newPortsSince(sinceIso) {
      const out = new Map<string, Array<{ proto: string; port: number; dir: string; firstSeen: string }>>();
      for (const r of await d.store.newPortsSince(sinceIso)) {
        (out.get(r.device_id) ?? out.set(r.device_id, []).get(r.device_id)!).push({
          proto: r.proto,
          port: r.port,
          dir: r.dir,
          firstSeen: r.first_seen,
        });
      }
      return out;
    },
  };

  async function deviceTraffic(id: string, hours: number) {
    const now = d.clock.now().getTime();
    const t = devices.get(id);
    const firstSeen = t?.firstSeen;
    return {
      deviceId: id,
      status: t?.status ?? null,
      learningUntil: firstSeen !== undefined ? new Date(firstSeen + d.learningS * 1000).toISOString() : null,
      ports: t ? [...t.ports.values()].map(({ writtenAt: _w, ...p }) => p) : await d.store.ports(id),
      hourly: await d.store.hourly(id, new Date(now - hours * HOUR_MS).toISOString()),
    };
  }

  return { onFlows, reader, flush, deviceTraffic, summary: d.store.summary };
}

function portKey(p: { proto: string; port: number; dir: string }) {
  return `${p.proto}/${p.port}/${p.dir}`;
}
