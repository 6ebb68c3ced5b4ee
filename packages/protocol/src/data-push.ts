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

/**
 * A webhook delivery of a data subscription: the filed batches of the devices and points it
 * selects, in the MQTT push's shape, numbered per subscription (1, 2, …) so a receiver can spot a
 * gap or a repeat (delivery is at least once: a retried message keeps its number).
 */
export interface DataPushDelivery {
  v: 1;
  type: 'data';
  subscriptionId: string;
  seq: number;
  /** Values dropped (oldest first) since the previous delivery because the backlog was full. */
  dropped: number;
  messages: DataPushMessage[];
}

/** An admin's standing order to push new values of some devices' points to a webhook channel. */
export interface DataSubscription {
  id: string;
  name: string;
  /** A notification channel of kind webhook: its URL, secret and signature, retries and dead letters. */
  channelId: string;
  /** Devices: a group (with its subgroups) and/or a filter, evaluated within the creator's scope. */
  group: string | null;
  filter: string | null;
  /** Point names or globs (`*` any run of characters, `?` one), e.g. `["tank_level", "pump*.run"]`. */
  points: string[];
  /** Values per delivery at most, and how long the first value of a delivery may wait for more. */
  maxBatch: number;
  maxDelayMs: number;
  /** Values waiting (in memory and undelivered in the outbox) past which the oldest are dropped. */
  maxBacklog: number;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
}
