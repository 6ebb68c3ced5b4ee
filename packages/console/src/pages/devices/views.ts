import type { SortField } from './columns.js';

/** A named way to look at the fleet, kept in this browser (localStorage). */
export interface SavedView {
  name: string;
  filter: string;
  sort: SortField;
  order: 'asc' | 'desc';
  columns: string[];
}

const VIEWS_KEY = 'outpost.devices.views';
const COLUMNS_KEY = 'outpost.devices.columns';

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback;
  }
}

export const loadViews = (): SavedView[] => read<SavedView[]>(VIEWS_KEY, []).filter((v) => typeof v?.name === 'string');

export function saveView(v: SavedView): SavedView[] {
  const all = [...loadViews().filter((x) => x.name !== v.name), v].sort((a, b) => a.name.localeCompare(b.name));
  localStorage.setItem(VIEWS_KEY, JSON.stringify(all));
  return all;
}

export function deleteView(name: string): SavedView[] {
  const all = loadViews().filter((x) => x.name !== name);
  localStorage.setItem(VIEWS_KEY, JSON.stringify(all));
  return all;
}

export const loadColumns = (fallback: string[]): string[] => {
  const v = read<string[]>(COLUMNS_KEY, fallback);
  return Array.isArray(v) && v.length ? v : fallback;
};

export const saveColumns = (cols: string[]) => localStorage.setItem(COLUMNS_KEY, JSON.stringify(cols));
