import type { DeviceTrafficStatus } from '@outpost/protocol';

// What the traffic domain tells other domains about each device's traffic: its current rate
// against the learned baseline, and ports first seen after the learning period.

/** The device's latest traffic report against its baseline: the status its traffic page shows. */
export type TrafficStatus = DeviceTrafficStatus;

export interface TrafficReader {
  status(deviceId: string): TrafficStatus | undefined;
  /** Ports first seen after each device's learning period, since `sinceIso`. */
  newPortsSince(
    sinceIso: string,
  ): Promise<Map<string, Array<{ proto: string; port: number; dir: string; firstSeen: string }>>>;
}
