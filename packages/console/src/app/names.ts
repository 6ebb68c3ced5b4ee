import type { Device } from '@outpost/protocol';
import { api } from './api.js';
import { useCan } from './session.js';
import { useAsync } from './use-async.js';
import { idFilters } from '../pages/devices/bulk-actions.js';

/** Readable names for ids shown on a page: devices by id, users by id. Unknown ids stay as they are. */
export interface Names {
  device(id: string): string;
  user(id: string): string;
}

const MAX_DEVICES = 500;

/**
 * The devices `ids` names (at most a page's worth, fetched in `id in (…)` filters), by id.
 * Devices outside the person's group scope are not in the map.
 */
export function useDevicesById(ids: string[]): Map<string, Device> | undefined {
  const unique = [...new Set(ids)].sort().slice(0, MAX_DEVICES);
  const devices = useAsync(async () => {
    const byId = new Map<string, Device>();
    for (const filter of unique.length ? idFilters(unique) : []) {
      const page = await api.devices.list({ filter, limit: MAX_DEVICES });
      for (const d of page.items) byId.set(d.id, d);
    }
    return byId;
  }, [unique.join('\n')]);
  return devices.data;
}

/** Device names for `deviceIds` and, for admins, every user's name (only admins may list users). */
export function useNames(deviceIds: string[]): Names {
  const can = useCan();
  const devices = useDevicesById(deviceIds);
  const isAdmin = can('admin');
  const users = useAsync(
    async () =>
      isAdmin ? new Map((await api.users.list()).items.map((u) => [u.id, u.username])) : new Map<string, string>(),
    [isAdmin],
  );
  return {
    device: (id) => devices?.get(id)?.name ?? id,
    user: (id) => users.data?.get(id) ?? id,
  };
}
