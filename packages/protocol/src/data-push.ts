import type { DataQuality } from './data-messages.js';

/**
 * Where the hub publishes the process values it filed, for integrators' MQTT clients:
 * `outpost/v1/data/{deviceId}`, one message per filed batch, QoS 0. Integration clients
 * (`integration.*`) may subscribe to it and below; devices may not.
 */
export const DATA_TOPIC_ROOT = 'outpost/v1/data';

/** A message on `outpost/v1/data/{deviceId}`: values in the `data` message's own short form. */
export interface DataPushMessage {
  v: 1;
  deviceId: string;
  /** When the hub received the batch, ms since the epoch. */
  receivedAt: number;
  values: Array<{ p: string; v: number | boolean | string | null; q: DataQuality; r?: string; t: number }>;
}
