import type { AlertsStore } from './alerts.store.js';

/** Told that open alerts changed (one fired, resolved or was acknowledged), after the change is stored. */
export type AlertsChangeListener = () => void;

/**
 * The alerts store, saying so after every write that changes which alerts are open or their
 * state: an evaluation that fired or resolved any, an acknowledgement, a hand resolve. The alerts
 * domain does not know who listens (the live stream re-counts, coalesced).
 */
export function withAlertChangeNotices(store: AlertsStore, changed: AlertsChangeListener): AlertsStore {
  const tell = () => {
    try {
      changed();
    } catch {
      // A listener's trouble must never fail the write that already happened.
    }
  };
  return {
    ...store,
    async apply(c) {
      const out = await store.apply(c);
      if (out.fired.length || out.resolved.length) tell();
      return out;
    },
    async acknowledge(id, by, note, at) {
      const ok = await store.acknowledge(id, by, note, at);
      if (ok) tell();
      return ok;
    },
    async resolveByHand(r) {
      const ok = await store.resolveByHand(r);
      if (ok) tell();
      return ok;
    },
  };
}
