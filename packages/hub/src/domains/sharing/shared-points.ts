import type { Logger } from '../../platform/logger.js';
import type { StreamDefinition, StreamValue, StreamsReader } from '../streams/index.js';

// What the hub shares with SCADA, in memory: every device's data points with their definition,
// newest value and usual interval, and whether the device is connected now. Fed from the streams
// domain and the device presence the hub already tracks; the Sparkplug edge node and the OPC UA
// server are views of it. Bounded by `maxPoints`: points past it are not shared (logged once).

export interface SharedPoint {
  deviceId: string;
  def: StreamDefinition;
  value: StreamValue | null;
  /** The gap between the last two values by source time (ms): the point's usual interval, once known. */
  intervalMs: number | null;
}

export interface SharedDevice {
  id: string;
  online: boolean;
  /** When the hub last received a data batch from the device (ms; 0 = none since the hub started). */
  lastDataAt: number;
  points: Map<string, SharedPoint>;
}

export type SharingChange =
  | { kind: 'values'; deviceId: string; points: SharedPoint[] }
  | { kind: 'presence'; deviceId: string; online: boolean }
  | { kind: 'definitions'; deviceId: string };

export type SharedPoints = ReturnType<typeof createSharedPoints>;

export function createSharedPoints(d: {
  streams: Pick<StreamsReader, 'definitions' | 'latest'>;
  isOnline(deviceId: string): boolean;
  logger: Logger;
  maxPoints?: number;
}) {
  const maxPoints = d.maxPoints ?? 200_000;
  const devices = new Map<string, SharedDevice>();
  const listeners = new Set<(c: SharingChange) => void>();
  let pointCount = 0;
  let capLogged = false;
  // Definitions asked again for a device whose values name a point not known yet; one ask at a time.
  const refreshing = new Map<string, Promise<void>>();

  const emit = (c: SharingChange) => {
    for (const l of listeners) {
      try {
        l(c);
      } catch (err) {
        d.logger.warn({ err, kind: c.kind }, 'a sharing view failed on a change');
      }
    }
  };

  function deviceOf(id: string): SharedDevice {
    let dev = devices.get(id);
    if (!dev) {
      dev = { id, online: d.isOnline(id), lastDataAt: 0, points: new Map() };
      devices.set(id, dev);
    }
    return dev;
  }

  /** Adds or updates definitions; true when anything changed. */
  function applyDefinitions(dev: SharedDevice, defs: StreamDefinition[]): boolean {
    let changed = false;
    for (const def of defs) {
      const p = dev.points.get(def.point);
      if (p) {
        if (JSON.stringify(p.def) !== JSON.stringify(def)) {
          p.def = def;
          changed = true;
        }
        continue;
      }
      if (pointCount >= maxPoints) {
        if (!capLogged) d.logger.warn({ maxPoints }, 'more data points than sharing holds: the rest are not shared');
        capLogged = true;
        continue;
      }
      dev.points.set(def.point, { deviceId: dev.id, def, value: null, intervalMs: null });
      pointCount++;
      changed = true;
    }
    return changed;
  }

  /** Takes a value when it is newer (source time) than the one held; learns the point's interval. */
  function applyValue(p: SharedPoint, v: StreamValue): boolean {
    const prev = p.value;
    if (prev && v.sourceTs < prev.sourceTs) return false;
    if (prev && v.sourceTs > prev.sourceTs) p.intervalMs = v.sourceTs - prev.sourceTs;
    p.value = v;
    return true;
  }

  /**
   * Reads a device's definitions again (and the newest values of points that have none yet). Reads
   * of one device run one after another, each starting after the one before ended, so a read that
   * began before a batch was filed is always followed by one that sees it.
   */
  function refreshDefinitions(deviceId: string): Promise<void> {
    const job = (refreshing.get(deviceId) ?? Promise.resolve()).then(async () => {
      const dev = deviceOf(deviceId);
      let changed = applyDefinitions(dev, await d.streams.definitions(deviceId));
      if ([...dev.points.values()].some((p) => !p.value))
        for (const v of await d.streams.latest(deviceId)) {
          const p = dev.points.get(v.point);
          if (p && !p.value) changed = applyValue(p, v) || changed;
        }
      if (changed) emit({ kind: 'definitions', deviceId });
    });
    const settled = job.catch(() => undefined);
    refreshing.set(deviceId, settled);
    void settled.then(() => refreshing.get(deviceId) === settled && refreshing.delete(deviceId));
    return job;
  }

  function takeValues(deviceId: string, values: StreamValue[]): void {
    const dev = deviceOf(deviceId);
    const changed = new Map<string, SharedPoint>();
    for (const v of values) {
      dev.lastDataAt = Math.max(dev.lastDataAt, v.receivedAt);
      const p = dev.points.get(v.point);
      if (p && applyValue(p, v)) changed.set(p.def.point, p);
    }
    if (changed.size > 0) emit({ kind: 'values', deviceId, points: [...changed.values()] });
  }

  return {
    /** Reads every definition and each device's newest values (at start). */
    async load(): Promise<void> {
      const defs = await d.streams.definitions();
      const byDevice = new Map<string, StreamDefinition[]>();
      for (const def of defs)
        (byDevice.get(def.deviceId) ?? byDevice.set(def.deviceId, []).get(def.deviceId)!).push(def);
      for (const [id, list] of byDevice) {
        const dev = deviceOf(id);
        applyDefinitions(dev, list);
        for (const v of await d.streams.latest(id)) {
          const p = dev.points.get(v.point);
          if (p) applyValue(p, v);
        }
      }
    },
    /** New values stored by the streams domain (in order per device). */
    async onValues(deviceId: string, values: StreamValue[]): Promise<void> {
      const dev = deviceOf(deviceId);
      if (values.some((v) => !dev.points.has(v.point))) await refreshDefinitions(deviceId);
      takeValues(deviceId, values);
    },
    /** Definitions may have changed (a device's first batch after connecting, a write switch). */
    refreshDefinitions,
    setOnline(deviceId: string, online: boolean): void {
      const dev = deviceOf(deviceId);
      if (dev.online === online) return;
      dev.online = online;
      emit({ kind: 'presence', deviceId, online });
    },
    device: (id: string): SharedDevice | undefined => devices.get(id),
    devices: (): IterableIterator<SharedDevice> => devices.values(),
    point: (deviceId: string, point: string): SharedPoint | undefined => devices.get(deviceId)?.points.get(point),
    pointCount: () => pointCount,
    subscribe(l: (c: SharingChange) => void): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
