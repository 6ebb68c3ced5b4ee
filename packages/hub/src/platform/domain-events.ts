import type { Logger } from './logger.js';

// Domain events: how one domain tells others that something changed without importing them.
// The emitter names what changed after it is stored; listeners read back what they need
// through the ports they were given. Listeners run concurrently; a failing listener is logged
// and does not stop the others or the emitter.

export interface DomainEvents {
  /** A rollout's state, a wave or a job changed. */
  rolloutChanged: { rolloutId: string };
  /** Open alerts changed (fired, resolved, acknowledged). */
  alertsChanged: Record<string, never>;
  /** Devices whose group membership may have changed (`all`: any device's), in coalesced passes. */
  membershipChanged: { devices: readonly string[] | 'all' };
  /**
   * A device reported a fix other than its last one, after it was filed (`at`: when the hub received
   * it, `fixAt`: when the fix was taken; ISO 8601).
   */
  locationReported: { deviceId: string; at: string; lat: number; lon: number; accuracyM: number | null; fixAt: string };
}

export type DomainEventName = keyof DomainEvents;
export type DomainEventListener<K extends DomainEventName> = (payload: DomainEvents[K]) => unknown;

export interface DomainEventBus {
  /** Resolves when every listener has finished (or failed). */
  emit<K extends DomainEventName>(name: K, payload: DomainEvents[K]): Promise<void>;
  on<K extends DomainEventName>(name: K, listener: DomainEventListener<K>): void;
}

export function createDomainEventBus(logger: Logger): DomainEventBus {
  const listeners = new Map<DomainEventName, Array<(payload: unknown) => unknown>>();
  return {
    async emit(name, payload) {
      const ls = listeners.get(name);
      if (!ls?.length) return;
      const results = await Promise.allSettled(ls.map(async (l) => l(payload)));
      for (const r of results)
        if (r.status === 'rejected') logger.warn({ err: r.reason, event: name }, 'domain event listener failed');
    },
    on(name, listener) {
      const ls = listeners.get(name) ?? [];
      ls.push(listener as (payload: unknown) => unknown);
      listeners.set(name, ls);
    },
  };
}
