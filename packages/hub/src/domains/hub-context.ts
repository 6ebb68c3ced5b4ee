import type { HubConfig } from '../config/config.js';
import type { HubMetrics } from '../platform/metrics.js';
import type { DeviceBus } from '../platform/device-bus.js';
import type { Clock } from '../platform/clock.js';
import type { DomainEventBus } from '../platform/domain-events.js';
import type { Logger } from '../platform/logger.js';
import type { Db } from '../storage/database.js';

/** The platform every module is built on: storage, time, logs, metrics, the device bus, events, settings. */
export interface HubContext {
  db: Db;
  clock: Clock;
  logger: Logger;
  metrics: HubMetrics;
  bus: DeviceBus;
  events: DomainEventBus;
  config: HubConfig;
  /** Key-encryption key: for secrets domains keep encrypted at rest (AES-256-GCM). */
  kek: Buffer;
  /** Where devices and operators reach the hub; with a device id, the broker that device is given (external brokers). */
  endpoints(deviceId?: string): { mqttUrl: string; httpUrl: string };
}
