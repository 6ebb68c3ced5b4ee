import type { AgentFeature } from '@outpost/agent';
import type { profileOf } from './sim-system.js';

export interface SimDeviceContext {
  index: number;
  deviceId: string;
  profile: ReturnType<typeof profileOf>;
  random: () => number;
}

/**
 * Agent features every simulated device runs besides the core (settings, traffic counters,
 * remote access, …). Each feature module adds one factory to this list.
 */
export const defaultSimFeatures: Array<(d: SimDeviceContext) => AgentFeature> = [];
