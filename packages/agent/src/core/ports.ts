import type { DeviceEvent, HealthMessage } from '@outpost/protocol';

/** One MQTT session to the hub. The agent core owns reconnecting; a transport connects once. */
export interface Transport {
  connect(opts: { will: { topic: string; payload: string } }): Promise<void>;
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
  subscribe(topics: string[]): Promise<void>;
  onMessage(handler: (topic: string, payload: Buffer) => void): void;
  onClose(handler: (reason: string) => void): void;
  /** Ends the session; `clean` sends DISCONNECT (no last will), otherwise the link just drops. */
  end(clean: boolean): Promise<void>;
}

/** Makes a fresh transport for each connection attempt. */
export type TransportFactory = () => Transport;

/** Durable, ordered, bounded store of events waiting for the hub's acknowledgement. */
export interface EventQueue {
  append(e: Omit<DeviceEvent, 'seq'>): Promise<DeviceEvent>;
  peek(max: number): Promise<DeviceEvent[]>;
  /** Drops every event with seq <= upTo: the hub has them. */
  ack(upTo: number): Promise<void>;
  size(): number;
  /** Events dropped because the queue was full, since the last report. */
  takeDropped(): number;
}

export interface DeviceInfo {
  model: string;
  firmware: string;
  serial?: string;
  hostname?: string;
  ip?: string;
  bootId: string;
}

/** The device itself: what it is, how it is doing, and rebooting it. */
export interface SystemPort {
  info(): DeviceInfo;
  metrics(): Omit<HealthMessage, 'v' | 'ts'>;
  reboot(): Promise<void>;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

export interface AgentLogger {
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
}

export const silentLogger: AgentLogger = { info: () => {}, warn: () => {} };
