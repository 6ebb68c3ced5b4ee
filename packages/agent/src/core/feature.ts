import type { DeviceEvent, DeviceSuffix, HubSuffix } from '@outpost/protocol';
import type { AgentLogger, Clock } from './ports.js';

/** What a feature may do through the agent: publish on its own topics and queue events. */
export interface FeatureContext {
  deviceId: string;
  clock: Clock;
  logger: AgentLogger;
  /** Publishes on one of this device's device→hub topics; rejects while offline. */
  publish(suffix: DeviceSuffix, payload: unknown, qos: 0 | 1): Promise<void>;
  /** Queues an event on disk; it reaches the hub in order, now or after reconnecting. */
  emit(type: string, severity: DeviceEvent['severity'], data?: Record<string, unknown>): Promise<void>;
  online(): boolean;
}

/**
 * A capability the agent hosts (desired-state reconciler, remote access, OT guard…).
 * The core subscribes to its topics, routes their messages to it and tells it about the link.
 */
export interface AgentFeature {
  name: string;
  /** hub→device topic suffixes this feature listens on. */
  subscriptions?: HubSuffix[];
  /** Capabilities the feature adds to hello at each connect (e.g. `update-root:3`, the trust it holds). */
  capabilities?(): string[];
  /** Extra command names this feature answers (`cmd/req` with that name). */
  commands?: Record<string, (args: Record<string, unknown>, ctx: FeatureContext) => Promise<unknown>>;
  start?(ctx: FeatureContext): void | Promise<void>;
  onConnected?(ctx: FeatureContext): void | Promise<void>;
  onMessage?(suffix: string, payload: Buffer, ctx: FeatureContext): void | Promise<void>;
  stop?(): void | Promise<void>;
}
