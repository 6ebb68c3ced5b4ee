// Tables of the device-files domain (migration 027, see files.migration.ts).

/** One file operation that moved or removed content on a device, and how it ended. */
export interface DeviceFileTransfersTable {
  id: string;
  device_id: string;
  root: string;
  path: string;
  /** read (device → hub), write (hub → device), delete. */
  op: string;
  /** queued, running, succeeded, refused, failed, timed_out, offline. */
  status: string;
  /** The device's refusal reason (path_outside_root…) or the hub's (spool_full, timeout…). */
  reason: string | null;
  message: string | null;
  size: number | null;
  sha256: string | null;
  start_offset: number;
  actor: string;
  pull_id: string | null;
  created_at: string;
  finished_at: string | null;
}

/** A bulk pull: one path from many devices into one archive, kept until it expires. */
export interface DeviceFilePullsTable {
  id: string;
  root: string;
  path: string;
  actor: string;
  devices: number;
  /** running, done, expired. */
  status: string;
  created_at: string;
  expires_at: string;
}

export interface FilesTables {
  device_file_transfers: DeviceFileTransfersTable;
  device_file_pulls: DeviceFilePullsTable;
}
