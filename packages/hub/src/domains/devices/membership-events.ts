import type { Logger } from '../../platform/logger.js';

// Who belongs to which group can change without any device doing anything: an operator tags
// devices or moves them between static groups, a dynamic group's filter is edited, a group
// is created or deleted, or a device reports a new firmware or model that a filter looks at.
// Domains that derive per-device state from membership (guard policies, desired settings)
// subscribe here instead of importing the services that make the changes. Changes are
// collected and handed over in passes, so a bulk tag of 5,000 devices is one pass, not 5,000.

/** The devices whose membership may have changed, or `'all'` when any device's may have. */
export type MembershipChange = readonly string[] | 'all';
export type MembershipListener = (change: MembershipChange) => Promise<unknown>;

/** What the services that change membership see. */
export interface MembershipNotifier {
  changed(change: MembershipChange): void;
}

export interface MembershipEvents extends MembershipNotifier {
  subscribe(listener: MembershipListener): void;
  /** Hands everything collected since the last pass to every listener; the scheduler runs it (never overlapping). */
  flush(): Promise<void>;
  pending(): number | 'all';
}

// Past this many devices in one pass a fleet-wide recompute is cheaper than a long id list.
const MAX_IDS = 5000;

export function createMembershipEvents(opts: { logger: Logger; maxIds?: number }): MembershipEvents {
  const maxIds = opts.maxIds ?? MAX_IDS;
  const listeners: MembershipListener[] = [];
  let ids = new Set<string>();
  let all = false;

  return {
    changed(change) {
      if (all) return;
      if (change !== 'all') for (const id of change) ids.add(id);
      if (change === 'all' || ids.size > maxIds) {
        all = true;
        ids = new Set();
      }
    },
    subscribe: (l) => void listeners.push(l),
    async flush() {
      if (!all && ids.size === 0) return;
      const change: MembershipChange = all ? 'all' : [...ids].sort();
      all = false;
      ids = new Set();
      // Changes made while this pass runs are collected for the next one.
      const results = await Promise.allSettled(listeners.map((l) => l(change)));
      for (const r of results) {
        if (r.status === 'rejected')
          opts.logger.warn(
            { err: r.reason, devices: change === 'all' ? 'all' : change.length },
            'membership change not applied',
          );
      }
    },
    pending: () => (all ? 'all' : ids.size),
  };
}
