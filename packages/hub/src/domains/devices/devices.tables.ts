// Tables of the devices domain: the inventory, its tags, and what devices reported over time
// (presence changes, events, raw health samples). Created by the first migration; the ingest writer
// fills the history tables. Timestamps are ISO-8601 UTC strings, so they compare correctly as text
// on SQLite and PostgreSQL alike.

import type { Presence } from '@outpost/protocol';

export interface DevicesTable {
  id: string;
  name: string;
  serial: string | null;
  model: string | null;
  firmware: string | null;
  firmware_key: string | null;
  agent_version: string | null;
  agent_version_key: string | null;
  location: string | null;
  ip: string | null;
  presence: Presence;
  presence_changed_at: string | null;
  last_seen_at: string | null;
  enrolled_at: string;
  cert_serial: string | null;
  cert_expires_at: string | null;
  decommissioned: number;
  hello_json: string | null;
  health_json: string | null;
  health_at: string | null;
  health_interval_s: number;
  // When an online device with no newer message counts as offline (last message + factor × interval).
  stale_at: string | null;
}

export interface DeviceTagsTable {
  device_id: string;
  key: string;
  value: string;
}

export interface PresenceChangesTable {
  device_id: string;
  state: string;
  at: string;
}

export interface HealthSamplesTable {
  device_id: string;
  ts: string;
  data_json: string;
}

export interface DeviceEventsTable {
  device_id: string;
  seq: number;
  ts: string;
  received_at: string;
  type: string;
  severity: string;
  data_json: string;
}

/** The tables the devices domain owns, as Kysely sees them. */
export interface DevicesTables {
  devices: DevicesTable;
  device_tags: DeviceTagsTable;
  presence_changes: PresenceChangesTable;
  health_samples: HealthSamplesTable;
  device_events: DeviceEventsTable;
}
