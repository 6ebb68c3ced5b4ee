/** How the device table is sorted: the fields the hub's device list can order by. */
export type DeviceSortField = 'name' | 'id' | 'model' | 'firmware' | 'presence' | 'last_seen' | 'enrolled_at';

/** A saved way to look at the device table: filter, sort and columns under a name. */
export interface SavedView {
  id: string;
  name: string;
  /** Username of whoever saved it. */
  owner: string;
  /** True when the caller owns it (only the owner changes it; the owner or an admin deletes it). */
  mine: boolean;
  /** Shown to every user, not just its owner. */
  shared: boolean;
  filter: string;
  sort: DeviceSortField;
  order: 'asc' | 'desc';
  columns: string[];
  createdAt: string;
  updatedAt: string;
}

export interface SavedViewInput {
  name: string;
  filter?: string;
  sort?: DeviceSortField;
  order?: 'asc' | 'desc';
  columns?: string[];
  shared?: boolean;
}
