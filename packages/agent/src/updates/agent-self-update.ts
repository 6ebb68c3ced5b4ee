import { pendingUpdate, readAgentUpdate, writeAgentUpdate, type AgentUpdateRecord } from './agent-update-record.js';
import type { AgentReleases, AgentSelfUpdate } from './installer.port.js';

/**
 * The agent's self-update over a release store (directories on a device, a list in the
 * simulator): the record is written before `current` moves, so a stop between the two leaves a
 * pending record the launcher or the previous version resolves; `current` moves back before the
 * record says rolled_back, so a stop between those two still rolls back at the next start.
 */
export function createAgentSelfUpdate(o: {
  stateDir: string;
  /** The version this run is (the simulator's devices change it between runs). */
  version: () => string;
  releases: AgentReleases;
  restart(): Promise<void>;
  nowS?: () => number;
  durable?: boolean;
}): AgentSelfUpdate {
  const nowS = o.nowS ?? (() => Math.floor(Date.now() / 1000));
  const save = (r: AgentUpdateRecord) => writeAgentUpdate(o.stateDir, r, o.durable ?? true);
  const record = () => readAgentUpdate(o.stateDir);
  return {
    get version() {
      return o.version();
    },
    record,
    install: (image, m) => o.releases.unpack(image, m),
    async arm(job, next, deadlineS) {
      save(pendingUpdate({ job, previous: o.version(), next, nowS: nowS(), deadlineS }));
      await o.releases.point(next);
    },
    async confirm() {
      const r = record();
      if (!r || r.next !== o.version() || r.state !== 'pending') return;
      save({ ...r, state: 'confirmed' });
      // The version that ran before stays for an operator's revert; older ones go.
      await o.releases.prune([r.previous, r.next]);
    },
    async rollBack(reason) {
      const r = record();
      if (!r || r.next !== o.version() || r.state !== 'pending') return;
      await o.releases.point(r.previous);
      save({ ...r, state: 'rolled_back', reason });
    },
    async revert(jobId, toVersion) {
      const r = record();
      if (!r || r.job !== jobId || r.state !== 'confirmed' || r.next !== o.version() || r.previous !== toVersion)
        return false;
      await o.releases.point(r.previous);
      save({ ...r, state: 'rolled_back', reason: 'reverted' });
      return true;
    },
    restart: o.restart,
  };
}
