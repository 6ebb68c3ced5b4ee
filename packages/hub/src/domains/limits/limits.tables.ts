// The table of the limits domain: each API caller's current request window (PostgreSQL replicas
// share it; a single SQLite hub counts in memory and leaves it empty).

export interface ApiRequestWindowsTable {
  key: string;
  started_ms: number;
  hits: number;
}

export interface LimitsTables {
  api_request_windows: ApiRequestWindowsTable;
}
