import type { AgentFeature } from '@outpost/agent';
import type { profileOf } from './sim-system.js';
import { simSettingsFeature } from './sim-settings.js';
import { simAccessFeature } from './sim-access.js';
import { simTrafficFeature } from './sim-traffic.js';
import { simUpdatesFeature } from './sim-updates.js';
import { simCellularFeature } from './sim-cellular.js';
import { simDiagnosticsFeature } from './sim-diagnostics.js';

export interface SimDeviceContext {
  index: number;
  deviceId: string;
  profile: ReturnType<typeof profileOf>;
  random: () => number;
  /** The device's key and certificate, for features that dial the hub themselves (remote access). */
  tls?: { keyPem: string; certPem: string; caPem: string };
  /** The device's identity folder (its own state lives beside the identity). */
  dir?: string;
  /** The update trust root the device received at enrollment. */
  updateRoot?: unknown;
  /** Restarts the device: the agent stops and comes back after the simulator's reboot delay. */
  reboot?: () => Promise<void>;
}

/**
 * Agent features every simulated device runs besides the core (settings, traffic counters,
 * remote access, …). Each feature module adds one factory to this list.
 */
export const defaultSimFeatures: Array<(d: SimDeviceContext) => AgentFeature> = [
  simSettingsFeature,
  simAccessFeature,
  (d) => simTrafficFeature(d),
  (d) => simUpdatesFeature(d),
  (d) => simCellularFeature(d),
  (d) => simDiagnosticsFeature(d),
];
