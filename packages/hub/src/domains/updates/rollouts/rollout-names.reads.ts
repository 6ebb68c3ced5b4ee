import type { Db } from '../../../storage/database.js';

// The updates domain's read of rollouts by name for other domains: an automation's rollout step
// names the rollout it creates after its run and step, and finds it again by that name.

export interface RolloutNameReads {
  /** The newest rollout called `name`, or null. */
  byName(name: string): Promise<{ id: string; state: string; reason: string | null } | null>;
}

export function createRolloutNameReads(db: Db): RolloutNameReads {
  return {
    async byName(name) {
      const r = await db
        .selectFrom('rollouts')
        .select(['id', 'state', 'reason'])
        .where('name', '=', name)
        .orderBy('created_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return r ? { id: r.id, state: r.state, reason: r.reason } : null;
    },
  };
}
