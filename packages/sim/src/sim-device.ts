import type { Agent, CertRenewalFeature, TrustBundleFeature } from '@outpost/agent';

// One device of a running simulation (simulation.ts starts them, sim-scenarios.ts misbehaves with
// them): its agent, the features the scenarios and tests reach into, and its link switch.

export interface SimDevice {
  id: string;
  index: number;
  site: string;
  agent: Agent;
  /** The device's certificate renewal (absent when turned off). */
  renewal?: CertRenewalFeature;
  /** The CAs the device trusts, kept current by the hub's `ca/bundle`. */
  trust: TrustBundleFeature;
  /** Loses the link for `ms` while the device keeps running (its data and events wait on disk). */
  cutLink(ms: number): Promise<void>;
  /** Ends a cut early: the device redials on its backoff. */
  restoreLink(): void;
}
