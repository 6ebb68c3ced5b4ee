import type { AgentFeature } from '@outpost/agent';
import type { SimDeviceContext } from './sim-device-context.js';
import { simSettingsFeature } from './sim-settings.js';
import { simAccessFeature } from './sim-access.js';
import { simTrafficFeature } from './sim-traffic.js';
import { simUpdatesFeature } from './sim-updates.js';
import { simCellularFeature } from './sim-cellular.js';
import { simDiagnosticsFeature } from './sim-diagnostics.js';

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
