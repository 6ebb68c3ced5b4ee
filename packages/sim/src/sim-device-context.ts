import type { profileOf } from './sim-system.js';

// What a simulated device hands each of its agent features (sim-features.ts lists them): who the
// device is, its profile and random source, and what it holds for the features that need it.

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
