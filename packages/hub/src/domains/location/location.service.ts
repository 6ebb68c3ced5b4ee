import {
  MAX_LOCATION_POINTS,
  MAX_LOCATION_RANGE_DAYS,
  MAX_MAP_POINTS,
  type DeviceLocations,
  type MapPoints,
  type MapSettings,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { DomainEvents } from '../../platform/domain-events.js';
import { ValidationError } from '../../platform/errors.js';
import type { Actor, AuditLog } from '../audit/index.js';
import {
  deviceNotFound,
  type DeviceLocations as LocatedDevices,
  type DeviceScope,
  type DeviceSelector,
  type LocatedDevice,
} from '../devices/index.js';
import type { LocationStore } from './location.store.js';
import { MAX_POINTS_PER_DAY, skipReason, utcDayOf } from './location-thinning.js';

export interface LocationService {
  /** Every located device of the scope the filter selects, in columns. */
  points(scope: DeviceScope, q: { filter?: string; health?: boolean }): Promise<MapPoints>;
  /** The device's stored positions in [from, to) (to: now when absent). */
  history(deviceId: string, q: { from: string; to?: string }): Promise<DeviceLocations>;
  /** Files a reported fix in the device's history (thinned and bounded per day); true when stored. */
  record(fix: DomainEvents['locationReported']): Promise<boolean>;
  settings(): Promise<MapSettings>;
  putSettings(actor: Actor, s: MapSettings): Promise<MapSettings>;
  /** The scheme and host the console may load tiles from (null: none). */
  tileOrigin(): Promise<string | null>;
}

export interface LocationDeps {
  store: LocationStore;
  located: LocatedDevices;
  selector: Pick<DeviceSelector, 'where'>;
  exists(deviceId: string): Promise<boolean>;
  /** Health verdicts of devices, by id (the health domain's judgement). */
  healthOf(devices: Array<LocatedDevice['snapshot']>): Promise<Map<string, { state: string }>>;
  audit: AuditLog;
  clock: Clock;
}

const DAY_MS = 86_400_000;
// About a metre: more digits only make the answer longer.
const round5 = (x: number) => Math.round(x * 1e5) / 1e5;
const TILE_URL = 'tile_url';

function parseTime(name: string, s: string): number {
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw new ValidationError(`${name}: not an ISO 8601 time`, { field: name });
  return t;
}

/** A tile template must name its three placeholders and point at an http(s) host. */
function checkTileUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/\{[xyz]\}/g, '0'));
  } catch {
    throw new ValidationError('tileUrl: not a URL', { field: 'tileUrl' });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new ValidationError('tileUrl: only http and https tile servers', { field: 'tileUrl' });
  if (parsed.username || parsed.password)
    throw new ValidationError('tileUrl: credentials do not belong in a tile URL', { field: 'tileUrl' });
  for (const p of ['{z}', '{x}', '{y}'])
    if (!url.includes(p)) throw new ValidationError(`tileUrl: the template lacks ${p}`, { field: 'tileUrl' });
  return url;
}

export function createLocationService(d: LocationDeps): LocationService {
  async function points(scope: DeviceScope, q: { filter?: string; health?: boolean }): Promise<MapPoints> {
    const where = scope.narrow(await d.selector.where(q.filter || null));
    // One more than the bound tells whether the bound cut the answer.
    const devices = await d.located.located(where, MAX_MAP_POINTS + 1, q.health === true);
    const truncated = devices.length > MAX_MAP_POINTS;
    if (truncated) devices.pop();
    const n = devices.length;
    const out: MapPoints = {
      ids: new Array<string>(n),
      names: new Array<string>(n),
      lat: new Array<number>(n),
      lon: new Array<number>(n),
      presence: new Array<string>(n),
      truncated,
    };
    devices.forEach((x, i) => {
      out.ids[i] = x.snapshot.id;
      out.names[i] = x.snapshot.name;
      out.lat[i] = round5(x.lat);
      out.lon[i] = round5(x.lon);
      out.presence[i] = x.snapshot.presence;
    });
    if (q.health) {
      const verdicts = await d.healthOf(devices.map((x) => x.snapshot));
      out.health = devices.map((x) => verdicts.get(x.snapshot.id)?.state ?? 'unknown');
    }
    return out;
  }

  async function history(deviceId: string, q: { from: string; to?: string }): Promise<DeviceLocations> {
    if (!(await d.exists(deviceId))) throw deviceNotFound(deviceId);
    const from = parseTime('from', q.from);
    const to = q.to === undefined ? d.clock.now().getTime() : parseTime('to', q.to);
    if (to <= from) throw new ValidationError('to must be after from', { field: 'to' });
    if (to - from > MAX_LOCATION_RANGE_DAYS * DAY_MS)
      throw new ValidationError(`the range spans more than ${MAX_LOCATION_RANGE_DAYS} days`, { field: 'from' });
    const rows = await d.store.range(
      deviceId,
      new Date(from).toISOString(),
      new Date(to).toISOString(),
      MAX_LOCATION_POINTS + 1,
    );
    return { points: rows.slice(0, MAX_LOCATION_POINTS), truncated: rows.length > MAX_LOCATION_POINTS };
  }

  async function record(fix: DomainEvents['locationReported']): Promise<boolean> {
    // A device clock ahead of the hub's cannot file points in the future.
    const now = d.clock.now().getTime();
    const at = new Date(Math.min(Date.parse(fix.fixAt), now)).toISOString();
    const next = { at, lat: fix.lat, lon: fix.lon, accuracyM: fix.accuracyM };
    if (skipReason(await d.store.last(fix.deviceId), next)) return false;
    const day = utcDayOf(at);
    if ((await d.store.countBetween(fix.deviceId, day.start, day.end)) >= MAX_POINTS_PER_DAY) return false;
    return d.store.add({ deviceId: fix.deviceId, ...next });
  }

  async function settings(): Promise<MapSettings> {
    return { tileUrl: await d.store.setting(TILE_URL) };
  }

  async function putSettings(actor: Actor, s: MapSettings): Promise<MapSettings> {
    const tileUrl = s.tileUrl === null ? null : checkTileUrl(s.tileUrl);
    await d.store.putSetting(TILE_URL, tileUrl, d.clock.now().toISOString(), actor.id);
    await d.audit.record({
      actor,
      action: 'map.settings.update',
      target: 'map-settings',
      details: { tileUrl },
    });
    return settings();
  }

  async function tileOrigin(): Promise<string | null> {
    const url = await d.store.setting(TILE_URL);
    return url ? new URL(url.replace(/\{[xyz]\}/g, '0')).origin : null;
  }

  return { points, history, record, settings, putSettings, tileOrigin };
}
