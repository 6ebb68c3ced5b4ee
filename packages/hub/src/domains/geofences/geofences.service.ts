import type { Geofence, NewGeofenceBody, PatchGeofenceBody } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { reachInside, requireGroupInside } from '../../platform/scope-reach.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { deviceNotFound, type DeviceScope } from '../devices/index.js';
import type { ApplicableFence } from './geofence-evaluator.js';
import type { GeofencesStore, StoredGeofence } from './geofences.store.js';
import { prepareShape, type PreparedShape } from './geometry.js';

const GROUP_PATH = /^[a-z0-9][a-z0-9_-]{0,63}(\/[a-z0-9][a-z0-9_-]{0,63}){0,7}$/;
/** Fences a hub keeps at most: each location report is measured against those that apply. */
export const MAX_GEOFENCES = 10_000;

export interface GeofencesDeps {
  store: GeofencesStore;
  /** True when the device exists and is in the group (or a group below it). */
  inGroup(deviceId: string, group: string): Promise<boolean>;
  audit: AuditLog;
  clock: Clock;
}

export type GeofenceScope = Pick<DeviceScope, 'unrestricted' | 'groups' | 'contains'>;

function publicView(f: StoredGeofence): Geofence {
  const { within: _w, ...rest } = f;
  return rest;
}

export interface GeofencesService {
  create(actor: Actor, scope: GeofenceScope, input: NewGeofenceBody): Promise<Geofence>;
  /** A changed shape forgets which side each device was on: the next fix records it again. */
  update(actor: Actor, scope: GeofenceScope, id: string, patch: PatchGeofenceBody): Promise<Geofence>;
  remove(actor: Actor, scope: GeofenceScope, id: string): Promise<void>;
  get(scope: GeofenceScope, id: string): Promise<Geofence>;
  /** The fences inside the caller's scope, optionally those of one group or one device. */
  list(scope: GeofenceScope, q?: { group?: string; deviceId?: string }): Promise<Geofence[]>;
  /** The fences that apply to a device: its own, and those of its groups and the groups above them. */
  fencesFor(deviceId: string): Promise<ApplicableFence[]>;
  /** Names of fences by id, for alert texts. */
  names(): Promise<Map<string, string>>;
  /** A group rename moved fences: read them again. */
  forget(): void;
}

/**
 * How long the prepared fences are kept: a change on this hub is seen at once, a change made by
 * another hub replica on the same database within this time.
 */
const FENCES_FRESH_MS = 30_000;

/** Fences: written by operators inside their scope, read within the reader's scope, measured on each fix. */
export function createGeofencesService(d: GeofencesDeps): GeofencesService {
  // Every fence with its prepared shape, read again after each change here and when it is stale.
  let cache: Promise<Array<StoredGeofence & { prepared: PreparedShape }>> | null = null;
  let readAt = 0;
  const all = () => {
    const now = d.clock.now().getTime();
    if (cache && now - readAt > FENCES_FRESH_MS) cache = null;
    if (!cache) readAt = now;
    return (cache ??= d.store
      .list()
      .then((fs) => fs.map((f) => ({ ...f, prepared: prepareShape(f.shape) })))
      .catch((err: unknown) => {
        cache = null;
        throw err;
      }));
  };

  async function visible(scope: GeofenceScope, f: StoredGeofence): Promise<boolean> {
    if (scope.unrestricted) return true;
    if (f.deviceId) return scope.contains(f.deviceId);
    return reachInside(scope, { group: f.group, within: f.within });
  }

  async function find(scope: GeofenceScope, id: string): Promise<StoredGeofence> {
    const f = await d.store.get(id);
    if (!f || !(await visible(scope, f))) throw new NotFound('geofence', id);
    return f;
  }

  async function create(actor: Actor, scope: GeofenceScope, input: NewGeofenceBody): Promise<Geofence> {
    const group = input.group ?? null;
    const deviceId = input.deviceId ?? null;
    if ((group === null) === (deviceId === null))
      throw new ValidationError('a geofence applies to exactly one of group or deviceId', {
        path: deviceId ? '/group' : '/deviceId',
      });
    if (group !== null && !GROUP_PATH.test(group))
      throw new ValidationError('group must be a group path such as plant/pumps', { path: '/group' });
    prepareShape(input.shape);
    if (group !== null) requireGroupInside(scope, group, 'this geofence');
    if (deviceId !== null && !(await scope.contains(deviceId))) throw deviceNotFound(deviceId);
    if (await d.store.byName(input.name))
      throw new Conflict(`a geofence named "${input.name}" exists`, { path: '/name' });
    if ((await d.store.count()) >= MAX_GEOFENCES)
      throw new Conflict(`a hub keeps at most ${MAX_GEOFENCES} geofences`, { reason: 'limit' });
    const now = d.clock.now().toISOString();
    const f: StoredGeofence = {
      id: newId('gfn'),
      name: input.name,
      group,
      deviceId,
      shape: input.shape,
      within: scope.unrestricted ? null : [...scope.groups],
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    };
    await d.store.insert(f);
    cache = null;
    await d.audit.record({
      actor,
      action: 'geofence.create',
      target: `geofence:${f.id}`,
      details: describe(f),
    });
    return publicView(f);
  }

  async function update(actor: Actor, scope: GeofenceScope, id: string, patch: PatchGeofenceBody): Promise<Geofence> {
    const cur = await find(scope, id);
    if (patch.shape) prepareShape(patch.shape);
    if (patch.name && patch.name !== cur.name && (await d.store.byName(patch.name)))
      throw new Conflict(`a geofence named "${patch.name}" exists`, { path: '/name' });
    const shapeChanged = patch.shape !== undefined && JSON.stringify(patch.shape) !== JSON.stringify(cur.shape);
    const next: StoredGeofence = {
      ...cur,
      name: patch.name ?? cur.name,
      shape: patch.shape ?? cur.shape,
      updatedAt: d.clock.now().toISOString(),
    };
    await d.store.update(next, shapeChanged);
    cache = null;
    await d.audit.record({
      actor,
      action: 'geofence.update',
      target: `geofence:${id}`,
      details: { ...describe(next), changed: Object.keys(patch) },
    });
    return publicView(next);
  }

  async function remove(actor: Actor, scope: GeofenceScope, id: string): Promise<void> {
    const cur = await find(scope, id);
    await d.store.remove(id);
    cache = null;
    await d.audit.record({
      actor,
      action: 'geofence.delete',
      target: `geofence:${id}`,
      details: { name: cur.name, group: cur.group, deviceId: cur.deviceId },
    });
  }

  return {
    create,
    update,
    remove,
    async get(scope: GeofenceScope, id: string): Promise<Geofence> {
      return publicView(await find(scope, id));
    },
    /** The fences inside the caller's scope, optionally those of one group or one device. */
    async list(scope: GeofenceScope, q: { group?: string; deviceId?: string } = {}): Promise<Geofence[]> {
      const out: Geofence[] = [];
      for (const f of await d.store.list()) {
        if (q.group !== undefined && f.group !== q.group) continue;
        if (q.deviceId !== undefined && f.deviceId !== q.deviceId) continue;
        if (await visible(scope, f)) out.push(publicView(f));
      }
      return out;
    },
    /** The fences that apply to a device: its own, and those of its groups and the groups above them. */
    async fencesFor(deviceId: string): Promise<ApplicableFence[]> {
      const fences = await all();
      const groups = new Map<string, boolean>();
      const out: ApplicableFence[] = [];
      for (const f of fences) {
        let applies = f.deviceId === deviceId;
        if (f.group !== null) {
          if (!groups.has(f.group)) groups.set(f.group, await d.inGroup(deviceId, f.group));
          applies = groups.get(f.group)!;
        }
        if (applies) out.push({ id: f.id, name: f.name, shape: f.prepared });
      }
      return out;
    },
    /** Names of fences by id, for alert texts. */
    async names(): Promise<Map<string, string>> {
      return new Map((await all()).map((f) => [f.id, f.name]));
    },
    /** A group rename moved fences: read them again. */
    forget() {
      cache = null;
    },
  };
}

function describe(f: StoredGeofence) {
  const shape =
    f.shape.kind === 'circle'
      ? { kind: 'circle', center: f.shape.center, radiusM: f.shape.radiusM }
      : { kind: 'polygon', vertices: f.shape.ring.length - 1 };
  return { name: f.name, group: f.group, deviceId: f.deviceId, shape };
}
