import type { HubSuffix } from '@outpost/protocol';

/** How services reach devices: publish to one device's hub→device topic, or drop its connection. */
export interface DeviceBus {
  publish(
    deviceId: string,
    suffix: HubSuffix,
    payload: unknown,
    opts?: { retain?: boolean; qos?: 0 | 1 },
  ): Promise<void>;
  disconnect(deviceId: string): void;
  isConnected(deviceId: string): boolean;
  connectedCount(): number;
  /** External brokers only: the device-facing URL of the broker the device is on (null: not seen). */
  brokerOf?(deviceId: string): string | null;
  /** Publishes on a topic outside every device prefix that only the hub may use (the integrators' alert topic). */
  publishHubTopic?(topic: string, payload: string, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
}

/** What the broker tells the hub about device traffic. Implemented by the device gateway. */
export interface DeviceTrafficSink {
  onConnect(deviceId: string, ip: string | null): void;
  onDisconnect(deviceId: string): void;
  /** Resolves once the message is persisted (so the broker can then acknowledge it). */
  onMessage(deviceId: string, suffix: string, payload: Buffer): Promise<void>;
}
