import { SORT_FIELDS, type SortField } from './devices.types.js';
import type { Clock } from '../../platform/clock.js';
import { NotFound, ValidationError } from '../../platform/errors.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { CertificatesStore } from '../enrollment/index.js';
import type { DevicesStore } from './devices.store.js';
import type { DeviceSelector } from './device-selector.js';
import type { DeviceScope } from './device-scope.js';
import type { MembershipNotifier } from './membership-events.js';
import { observedAvailability } from './availability.js';
import { supportedCommandsOf } from '@outpost/protocol';
import type {
  Device,
  DeviceAvailability,
  DeviceCertificate,
  DeviceEventRecord,
  DeviceHealthSample,
  Page,
  SupportedCommand,
} from '@outpost/protocol';

const TAG_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const MAX_BULK = 100_000;

export interface DevicesService {
  list: (
    scope: DeviceScope,
    q: {
      filter?: string;
      sort?: string;
      order?: 'asc' | 'desc';
      limit?: number;
      cursor?: string;
      count?: boolean;
    },
  ) => Promise<Page<Device>>;
  /** One device; on external brokers with the broker it is on. */
  get: (id: string) => Promise<Device>;
  tag: (
    actor: Actor,
    scope: DeviceScope,
    target: {
      deviceId?: string;
      filter?: string;
    },
    set: Record<string, string>,
    remove: string[],
  ) => Promise<{
    matched: number;
  }>;
  update: (
    actor: Actor,
    id: string,
    patch: {
      name?: string;
      location?: string | null;
    },
  ) => Promise<Device>;
  revoke: (actor: Actor, id: string, reason: string, decommission: boolean) => Promise<Device>;
  availability: (id: string, hours: number) => Promise<DeviceAvailability>;
  events: (id: string, limit: number, beforeSeq?: number, type?: string) => Promise<DeviceEventRecord[]>;
  health: (id: string, hours: number) => Promise<DeviceHealthSample[]>;
  certificates: (id: string) => Promise<DeviceCertificate[]>;
  /** The commands the device's last hello announced; `announced` is false before its first hello. */
  supportedCommands: (id: string) => Promise<{
    announced: boolean;
    items: SupportedCommand[];
  }>;
}

export function createDevicesService(d: {
  store: DevicesStore;
  certificates: CertificatesStore;
  selector: DeviceSelector;
  bus: DeviceBus;
  audit: AuditLog;
  clock: Clock;
  /** Told when a change may move devices in or out of dynamic groups (tags, name, location). */
  membership: MembershipNotifier;
  /** External brokers: the device's last broker move (the brokers domain keeps it). */
  brokerMoveOf?: (id: string) => Promise<Device['brokerMove']>;
}): DevicesService {
  async function mustGet(id: string) {
    const dev = await d.store.get(id);
    if (!dev) throw new NotFound('device', id);
    return dev;
  }

  async function list(
    scope: DeviceScope,
    q: {
      filter?: string;
      sort?: string;
      order?: 'asc' | 'desc';
      limit?: number;
      cursor?: string;
      count?: boolean;
    },
  ) {
    const sort = (q.sort ?? 'name') as SortField;
    if (!SORT_FIELDS.includes(sort))
      throw new ValidationError(`sort must be one of ${SORT_FIELDS.join(', ')}`, { path: '/sort' });
    return d.store.list({
      where: scope.narrow(await d.selector.where(q.filter)),
      sort,
      order: q.order ?? 'asc',
      limit: Math.min(Math.max(q.limit ?? 50, 1), 1000),
      cursor: q.cursor ?? null,
      withTotal: q.count ?? false,
    });
  }

  function checkTags(set: Record<string, string>, remove: string[]) {
    for (const [k, v] of Object.entries(set)) {
      if (!TAG_KEY.test(k))
        throw new ValidationError(`tag key "${k.slice(0, 64)}" must be 1-64 of A-Z a-z 0-9 _ . : -`, {
          path: `/set/${k.slice(0, 64)}`,
        });
      if (typeof v !== 'string' || v.length > 256)
        throw new ValidationError(`tag "${k}" must be a string of at most 256 characters`, { path: `/set/${k}` });
    }
    for (const k of remove)
      if (!TAG_KEY.test(k)) throw new ValidationError(`tag key "${k.slice(0, 64)}" is not valid`, { path: '/remove' });
  }

  /** Sets and removes tags on one device or on every device a filter chooses. */
  async function tag(
    actor: Actor,
    scope: DeviceScope,
    target: { deviceId?: string; filter?: string },
    set: Record<string, string>,
    remove: string[],
  ) {
    checkTags(set, remove);
    let ids: string[];
    if (target.deviceId) {
      await mustGet(target.deviceId);
      ids = [target.deviceId];
    } else {
      ids = await d.store.ids(scope.narrow(await d.selector.where(target.filter)), MAX_BULK);
    }
    await d.store.setTags(ids, set, remove);
    await d.audit.record({
      actor,
      action: 'device.tag',
      target: target.deviceId ? `device:${target.deviceId}` : `filter:${target.filter ?? ''}`,
      details: { set, remove, devices: ids.length },
    });
    if (ids.length > 0) d.membership.changed(ids);
    return { matched: ids.length };
  }

  async function update(actor: Actor, id: string, patch: { name?: string; location?: string | null }) {
    await mustGet(id);
    await d.store.update(id, patch);
    await d.audit.record({ actor, action: 'device.update', target: `device:${id}`, details: patch });
    d.membership.changed([id]);
    return mustGet(id);
  }

  /** Revokes every certificate of the device: the broker refuses it from now on and drops it at once. */
  async function revoke(actor: Actor, id: string, reason: string, decommission: boolean) {
    await mustGet(id);
    const revoked = await d.certificates.revokeAllOf(id, d.clock.now().toISOString(), reason);
    if (decommission) await d.store.markDecommissioned(id);
    d.bus.disconnect(id);
    await d.audit.record({
      actor,
      action: decommission ? 'device.decommission' : 'device.revoke',
      target: `device:${id}`,
      details: { reason, certificates: revoked },
    });
    return mustGet(id);
  }

  async function availabilityOf(id: string, hours: number) {
    await mustGet(id);
    const to = d.clock.now();
    const from = new Date(to.getTime() - hours * 3_600_000);
    const initial = await d.store.presenceBefore(id, from.toISOString());
    const changes = await d.store.presenceHistory(id, from.toISOString());
    // The share is of the time the device was known in the window, as in the reports.
    const { observedFrom: start, ...measured } = observedAvailability(initial, changes, from, to);
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      observedFrom: start === null ? null : new Date(start).toISOString(),
      ...measured,
      changes,
    };
  }

  return {
    list,
    /** One device; on external brokers with the broker it is on. */
    get: async (id: string) => {
      const dev = await mustGet(id);
      if (!d.bus.brokerOf) return dev;
      return { ...dev, broker: d.bus.brokerOf(id), brokerMove: (await d.brokerMoveOf?.(id)) ?? null };
    },
    tag,
    update,
    revoke,
    availability: availabilityOf,
    events: async (id: string, limit: number, beforeSeq?: number, type?: string) => (
      await mustGet(id),
      d.store.events(id, limit, beforeSeq, type)
    ),
    health: async (id: string, hours: number) => (
      await mustGet(id),
      d.store.healthSamples(id, new Date(d.clock.now().getTime() - hours * 3_600_000).toISOString(), 5000)
    ),
    certificates: async (id: string) => (await mustGet(id), d.certificates.ofDevice(id)),
    /** The commands the device's last hello announced; `announced` is false before its first hello. */
    supportedCommands: async (id: string) => {
      await mustGet(id);
      const caps = await d.store.helloCapabilities(id);
      return { announced: caps !== null, items: supportedCommandsOf(caps ?? []) };
    },
  };
}
