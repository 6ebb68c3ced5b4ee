// Tables of the brokers domain (migration 034, see brokers.migration.ts).

/** Each device's last broker move (one row per device), and the broker it was moved to. */
export interface BrokerMovesTable {
  device_id: string;
  /** Increases with every move of the device; the agent refuses one it has seen. */
  seq: number;
  move_id: string;
  state: string;
  from_url: string | null;
  to_url: string;
  reason: string | null;
  requested_by: string;
  requested_at: string;
  deadline: string;
  finished_at: string | null;
  /** The broker the device was last moved to successfully (its home on the hub's side). */
  home_url: string | null;
}

export interface BrokersTables {
  broker_moves: BrokerMovesTable;
}
