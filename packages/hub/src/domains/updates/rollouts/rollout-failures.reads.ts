import type { Db } from '../../../storage/database.js';

// The updates domain's read model of failed rollout jobs for other domains; the rollout-failure
// alert kind watches it.

export interface RolloutFailure {
  rolloutId: string;
  state: string;
  reason: string | null;
  at: string;
}

export interface RolloutFailureReads {
  /** Per device, rollout jobs that ended failed or rolled back since `sinceIso`, oldest first. */
  failedJobsSince(sinceIso: string): Promise<Map<string, RolloutFailure[]>>;
}

export function createRolloutFailureReads(db: Db): RolloutFailureReads {
  return {
    async failedJobsSince(sinceIso) {
      const rows = await db
        .selectFrom('rollout_jobs')
        .select(['device_id', 'rollout_id', 'state', 'reason', 'updated_at'])
        .where('state', 'in', ['failed', 'rolled_back'])
        .where('updated_at', '>=', sinceIso)
        .orderBy('updated_at')
        .execute();
      const out = new Map<string, RolloutFailure[]>();
      for (const r of rows)
        (out.get(r.device_id) ?? out.set(r.device_id, []).get(r.device_id)!).push({
          rolloutId: r.rollout_id,
          state: r.state,
          reason: r.reason,
          at: r.updated_at,
        });
      return out;
    },
  };
}
