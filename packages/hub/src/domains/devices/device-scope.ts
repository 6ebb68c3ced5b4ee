import { sql, type SqlBool } from 'kysely';
import { ErrorCode } from '@outpost/protocol';
import { HubError } from '../../platform/errors.js';
import type { DeviceSelector } from './device-selector.js';
import type { DevicesStore } from './devices.store.js';
import type { DeviceWhere } from './devices.types.js';
import { FALSE } from './filter/filter-sql.js';

/**
 * The devices one caller may see: every device, or those in the groups the caller is confined to
 * (each group with its subgroups, dynamic groups evaluated now). Built once per request from the
 * caller's group paths and handed to services as a parameter; stores apply `where` in SQL, so
 * counts and pages are those of the scope.
 */
export interface DeviceScope {
  /** True for a caller confined to no group: every device. */
  readonly unrestricted: boolean;
  /** The group paths the caller is confined to ([] when unrestricted). */
  readonly groups: readonly string[];
  /** The scope as a condition on `devices` (null when unrestricted). */
  readonly where: DeviceWhere | null;
  /** `filter` (null = every device) narrowed to the scope. */
  narrow(filter: DeviceWhere | null): DeviceWhere | null;
  /** True when the device exists and lies inside the scope. */
  contains(deviceId: string): Promise<boolean>;
  /** The ids of `deviceIds` that lie inside the scope, in their order. */
  within(deviceIds: readonly string[]): Promise<string[]>;
  /** Every device id in the scope (null when unrestricted): for filtering what is not in SQL. */
  ids(): Promise<ReadonlySet<string> | null>;
}

/** The answer for a device that does not exist or lies outside the scope: the two are not told apart. */
export function deviceNotFound(deviceId: string): HubError {
  return new HubError(ErrorCode.DeviceNotFound, `device "${deviceId.slice(0, 128)}" not found`);
}

/** Refusal of something that would reach devices outside the caller's scope. */
export function outsideScope(message: string, details: Record<string, unknown> = {}): HubError {
  return new HubError(ErrorCode.OutsideScope, message, details);
}

/** The largest scope `ids()` holds in memory, far above any fleet one hub serves. */
const MAX_SCOPE_IDS = 1_000_000;

export type DeviceScopeDirectory = Pick<DevicesStore, 'exists' | 'idsWithin' | 'ids'>;

export interface DeviceScopes {
  /** The scope of a caller confined to `groups` ([] = every device). */
  of(groups: readonly string[]): Promise<DeviceScope>;
  /** Every device: for the hub's own work and unscoped callers. */
  readonly all: DeviceScope;
}

export function createDeviceScopes(deps: { selector: DeviceSelector; devices: DeviceScopeDirectory }): DeviceScopes {
  function build(groups: readonly string[], where: DeviceWhere | null): DeviceScope {
    return {
      unrestricted: where === null,
      groups,
      where,
      narrow: (filter) =>
        where === null ? filter : filter === null ? where : sql<SqlBool>`(${filter}) AND (${where})`,
      async contains(deviceId) {
        if (where === null) return deps.devices.exists(deviceId);
        return (await deps.devices.idsWithin(where, [deviceId])).length === 1;
      },
      async within(deviceIds) {
        if (deviceIds.length === 0) return [];
        const inside = new Set(await deps.devices.idsWithin(where, [...new Set(deviceIds)]));
        return deviceIds.filter((id) => inside.has(id));
      },
      async ids() {
        if (where === null) return null;
        return new Set(await deps.devices.ids(where, MAX_SCOPE_IDS));
      },
    };
  }

  // A path that names no group any more, or a group whose filter no longer compiles, admits no
  // device: the caller keeps the rest of its scope and never gains the whole fleet.
  async function groupCondition(path: string): Promise<DeviceWhere> {
    try {
      return (await deps.selector.where(`group = ${JSON.stringify(path)}`)) ?? FALSE;
    } catch (err) {
      if (err instanceof HubError) return FALSE;
      throw err;
    }
  }

  return {
    all: build([], null),
    async of(groups) {
      if (groups.length === 0) return build([], null);
      const parts = await Promise.all(groups.map(groupCondition));
      return build([...groups], sql<SqlBool>`(${sql.join(parts, sql` OR `)})`);
    },
  };
}
