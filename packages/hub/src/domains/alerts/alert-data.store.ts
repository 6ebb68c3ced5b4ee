import type { ComplianceReads } from '../configs/index.js';
import type { DeviceHistory } from '../devices/index.js';
import type { RolloutFailureReads } from '../updates/index.js';

/** The queries rule types need beyond the device rows: one grouped read per rule and evaluation. */
export interface AlertDataStore {
  /** Per device, how many times it went offline since `sinceIso`. */
  offlineTransitionsSince(sinceIso: string): Promise<Map<string, number>>;
  /** Per device and event type, events of the given types (`x.*` for a family) since `sinceIso`. */
  eventCountsSince(types: string[], sinceIso: string): Promise<Map<string, Record<string, number>>>;
  /** Per device, the configuration sources (templates, `@device`) in the given compliance states. */
  complianceIn(states: string[]): Promise<Map<string, Array<{ source: string; state: string; since: string }>>>;
  /** Per device, rollout jobs that ended failed or rolled back since `sinceIso`. */
  failedJobsSince(
    sinceIso: string,
  ): Promise<Map<string, Array<{ rolloutId: string; state: string; reason: string | null; at: string }>>>;
}

/** Where rule data comes from: the read models of the domains that record it. */
export interface AlertDataSources {
  history: Pick<DeviceHistory, 'offlineCountsSince' | 'eventCountsSince'>;
  compliance: ComplianceReads;
  rollouts: RolloutFailureReads;
}

export function createAlertDataStore(s: AlertDataSources): AlertDataStore {
  return {
    offlineTransitionsSince: (sinceIso) => s.history.offlineCountsSince(sinceIso),
    eventCountsSince: (types, sinceIso) => s.history.eventCountsSince(types, sinceIso),
    complianceIn: (states) => s.compliance.sourcesIn(states),
    failedJobsSince: (sinceIso) => s.rollouts.failedJobsSince(sinceIso),
  };
}
