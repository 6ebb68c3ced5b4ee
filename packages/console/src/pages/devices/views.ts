import type { SavedView } from '../../app/route-types.js';
import { VIEWS_ROUTES } from '@outpost/protocol';
import { api, isApiError } from '../../app/api.js';
import { loadRoute } from '../../app/use-route.js';

export type { SavedView };

/** What a saved view holds: how the table looks now. */
export type ViewShape = Pick<SavedView, 'filter' | 'sort' | 'order' | 'columns'>;

const OLD_VIEWS_KEY = 'outpost.devices.views';
const COLUMNS_KEY = 'outpost.devices.columns';

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Saved views live on the hub, so they follow their owner from browser to browser. Views an earlier
 * console kept in this browser are moved there once (a name already taken is left alone), then forgotten here.
 */
export async function loadViews(): Promise<SavedView[]> {
  const old = read<Array<ViewShape & { name?: unknown }>>(OLD_VIEWS_KEY, []);
  if (Array.isArray(old) && old.length) {
    for (const v of old) {
      if (typeof v?.name !== 'string') continue;
      await api.views
        .create({ name: v.name, filter: v.filter, sort: v.sort, order: v.order, columns: v.columns })
        .catch((err: unknown) => {
          if (
            !isApiError(err, 'conflict') &&
            !isApiError(err, 'validation_failed') &&
            !isApiError(err, 'filter_syntax')
          )
            throw err;
        });
    }
    localStorage.removeItem(OLD_VIEWS_KEY);
  }
  return (await loadRoute(VIEWS_ROUTES.list)).items;
}

/** Saves under a name: a view of the caller's with that name is replaced, otherwise a new one is made. */
export async function saveView(
  existing: SavedView[],
  name: string,
  shape: ViewShape,
  shared: boolean,
): Promise<SavedView> {
  const same = existing.find((v) => v.mine && v.name === name);
  return same ? api.views.update(same.id, { ...shape, shared }) : api.views.create({ name, ...shape, shared });
}

// Which columns show is a preference of this screen, so it stays in this browser.
export const loadColumns = (fallback: string[]): string[] => {
  const v = read<string[]>(COLUMNS_KEY, fallback);
  return Array.isArray(v) && v.length ? v : fallback;
};

export const saveColumns = (cols: string[]) => localStorage.setItem(COLUMNS_KEY, JSON.stringify(cols));
