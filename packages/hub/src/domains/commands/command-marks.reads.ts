import type { Db } from '../../storage/database.js';

// The commands domain's read model of the reboots a device was sent, for the device timeline.

export interface RebootMark {
  at: string;
  by: string;
  state: string;
}

export interface CommandMarkReads {
  /** Reboot commands sent to one device in [from, to), oldest first, at most `limit`. */
  rebootsOf(deviceId: string, fromIso: string, toIso: string, limit: number): Promise<RebootMark[]>;
}

export function createCommandMarkReads(db: Db): CommandMarkReads {
  return {
    async rebootsOf(deviceId, fromIso, toIso, limit) {
      const rows = await db
        .selectFrom('commands')
        .select(['created_at', 'finished_at', 'created_by', 'state'])
        .where('device_id', '=', deviceId)
        .where('name', '=', 'reboot')
        .where('created_at', '>=', fromIso)
        .where('created_at', '<', toIso)
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ at: r.finished_at ?? r.created_at, by: r.created_by, state: r.state }));
    },
  };
}
