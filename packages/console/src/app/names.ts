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
 * Looks up the names of the devices `ids` names (at most a page's worth, in `id in (…)` filters)
 * and, for admins, every user's name. Devices outside the person's group scope keep their id.
 */
export function useNames(deviceIds: string[]): Names {
  const can = useCan();
  const unique = [...new Set(deviceIds)].sort().slice(0, MAX_DEVICES);
  const key = unique.join('\n');
  const devices = useAsync(async () => {
    const names = new Map<string, string>();
    for (const filter of unique.length ? idFilters(unique) : []) {
      const page = await api.devices.list({ filter, limit: MAX_DEVICES });
      for (const d of page.items) names.set(d.id, d.name);
    }
    return names;
  }, [key]);
  // Only admins may list users; others see the ids the records hold.
  const isAdmin = can('admin');
  const users = useAsync(
    async () =>
      isAdmin ? new Map((await api.users.list()).items.map((u) => [u.id, u.username])) : new Map<string, string>(),
    [isAdmin],
  );
  return {
    device: (id) => devices.data?.get(id) ?? id,
    user: (id) => users.data?.get(id) ?? id,
  };
}
