// Tables of the saved-views domain (migration 009, see views.migration.ts).

/** A named way to look at the device table, kept for its owner and, when shared, shown to everyone. */
export interface SavedViewsTable {
  id: string;
  owner_id: string;
  name: string;
  shared: number;
  filter: string;
  sort: string;
  sort_order: string;
  columns_json: string;
  created_at: string;
  updated_at: string;
}

export interface ViewsTables {
  saved_views: SavedViewsTable;
}
