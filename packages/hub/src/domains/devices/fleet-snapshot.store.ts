import type { Presence } from '@outpost/protocol';
import type { Db } from '../../storage/database.js';
import type { DeviceWhere } from './devices.types.js';

/** What monitoring needs to know about one device, read in one pass over the inventory. */
export interface DeviceSnapshot {
  id: string;
  name: string;
  model: string | null;
  firmware: string | null;
  presence: Presence;
  presenceChangedAt: string | null;
  lastSeenAt: string | null;
  healthAt: string | null;
  healthIntervalS: number;
  certExpiresAt: string | null;
  /** The last health report, parsed on first use (most rules never look at it). */
  health(): Record<string, unknown> | null;
}

export interface FleetSnapshotStore {
  /** Every device the scope selects, decommissioned ones left out, ordered by id. */
  devices(where: DeviceWhere | null, opts?: { ids?: string[] }): Promise<DeviceSnapshot[]>;
}

/** A JSON column parsed on first use (null when absent or unreadable). */
export function lazyJson(text: string | null): () => Record<string, unknown> | null {
  let parsed: Record<string, unknown> | null | undefined;
  return () => {
    if (parsed !== undefined) return parsed;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      parsed = null;
    }
    return parsed;
  };
}

export function createFleetSnapshotStore(db: Db): FleetSnapshotStore {
  return {
    async devices(where, opts = {}) {
      let q = db
        .selectFrom('devices')
        .select([
          'id',
          'name',
          'model',
          'firmware',
          'presence',
          'presence_changed_at',
          'last_seen_at',
          'health_at',
          'health_interval_s',
          'cert_expires_at',
          'health_json',
        ])
        .where('decommissioned', '=', 0)
        .orderBy('id');
      if (where) q = q.where(where);
      if (opts.ids) {
        if (opts.ids.length === 0) return [];
        q = q.where('id', 'in', opts.ids);
      }
      const rows = await q.execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        model: r.model,
        firmware: r.firmware,
        presence: r.presence,
        presenceChangedAt: r.presence_changed_at,
        lastSeenAt: r.last_seen_at,
        healthAt: r.health_at,
        healthIntervalS: r.health_interval_s,
        certExpiresAt: r.cert_expires_at,
        health: lazyJson(r.health_json),
      }));
    },
  };
}
