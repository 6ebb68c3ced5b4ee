/**
 * Messages between hub replicas that share one database: what one replica saw (a device came
 * online, a rollout moved) and consoles connected to another replica should hear. Each replica
 * receives what the others publish, never its own messages. Delivery is best effort: after the
 * channel was cut and restored, `onResync` listeners re-read what they may have missed.
 */
export interface ReplicaChannel {
  /** Sends a small JSON message (a few hundred bytes at most) to every other replica. */
  publish(message: unknown): void;
  /** Called with each message another replica published, in the order it published them. */
  subscribe(handler: (message: unknown) => void): void;
  /** Called after the channel reconnected: messages sent meanwhile may be lost. */
  onResync(handler: () => void): void;
}
