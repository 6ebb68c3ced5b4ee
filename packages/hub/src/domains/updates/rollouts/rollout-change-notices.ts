import type { RolloutsStore } from './rollouts.store.js';

/** Told the id of a rollout after a change to it is stored; whoever listens reads the rest itself. */
export type RolloutChangeListener = (rolloutId: string) => void;

/**
 * The rollouts store, saying which rollout changed after every write that moves a rollout, a wave
 * or a job's state (download progress and history notes alone do not). Every change goes through
 * the store, so no path of the engine, the device reports or the operator's actions is missed;
 * the rollouts domain does not know who listens (the live stream coalesces these notices).
 */
export function withRolloutChangeNotices(store: RolloutsStore, changed: RolloutChangeListener): RolloutsStore {
  const tell = (id: string) => {
    try {
      changed(id);
    } catch {
      // A listener's trouble must never fail the write that already happened.
    }
  };
  return {
    ...store,
    async insertRollout(r) {
      await store.insertRollout(r);
      tell(r.id);
    },
    async updateRollout(id, from, patch, extra) {
      const ok = await store.updateRollout(id, from, patch, extra);
      if (ok) tell(id);
      return ok;
    },
    async setWave(rolloutId, idx, from, patch) {
      const ok = await store.setWave(rolloutId, idx, from, patch);
      if (ok) tell(rolloutId);
      return ok;
    },
    async transition(job, patch, e, at) {
      const ok = await store.transition(job, patch, e, at);
      if (ok && patch.state !== undefined && patch.state !== job.state) tell(job.rollout_id);
      return ok;
    },
    async begin(rolloutId, from, sizes, jobs, at) {
      const ok = await store.begin(rolloutId, from, sizes, jobs, at);
      if (ok) tell(rolloutId);
      return ok;
    },
    async closeQueued(rolloutId, state, reason, at) {
      const n = await store.closeQueued(rolloutId, state, reason, at);
      if (n > 0) tell(rolloutId);
      return n;
    },
  };
}
