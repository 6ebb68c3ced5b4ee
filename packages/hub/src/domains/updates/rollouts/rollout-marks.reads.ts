import { TERMINAL_JOB_STATES } from '@outpost/protocol';
import type { Db } from '../../../storage/database.js';

// The updates domain's read model of one device's update jobs that ended, for the device timeline.

export interface UpdateMark {
  at: string;
  rolloutId: string;
  state: string;
  reason: string | null;
}

export interface RolloutMarkReads {
  /** Jobs of one device that ended (succeeded, failed, rolled back…) in [from, to), oldest first, at most `limit`. */
  endedJobsOf(deviceId: string, fromIso: string, toIso: string, limit: number): Promise<UpdateMark[]>;
}

export function createRolloutMarkReads(db: Db): RolloutMarkReads {
  return {
    async endedJobsOf(deviceId, fromIso, toIso, limit) {
      const rows = await db
        .selectFrom('rollout_jobs')
        .select(['updated_at', 'rollout_id', 'state', 'reason'])
        .where('device_id', '=', deviceId)
        .where('state', 'in', [...TERMINAL_JOB_STATES])
        .where('updated_at', '>=', fromIso)
        .where('updated_at', '<', toIso)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ at: r.updated_at, rolloutId: r.rollout_id, state: r.state, reason: r.reason }));
    },
  };
}
