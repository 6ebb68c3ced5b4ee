import { backoffDelay } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { StoredChannel } from './channels.store.js';
import type { OutboxMessage, OutboxStore } from './outbox.store.js';
import { SendError, sendEmail, sendWebhook, type EmailConfig, type MqttConfig, type WebhookConfig } from './senders.js';

// A channel delivers at most this many messages per run; the next run continues.
const MAX_PER_RUN = 100;

export interface DeliveryDeps {
  outbox: OutboxStore;
  channel(id: string): Promise<StoredChannel | null>;
  /** The channel's decrypted secret (webhook HMAC key, SMTP password), or null. */
  secretOf(c: StoredChannel): string | null;
  publishTopic(topic: string, payload: string, qos: 0 | 1): Promise<void>;
  clock: Clock;
  logger: Logger;
  onAttempt?(kind: string, outcome: 'delivered' | 'failed' | 'dead', ms: number): void;
  random?: () => number;
}

/** Delay before delivery attempt `attempt` + 1: exponential with equal jitter (protocol's one backoff). */
export function retryDelay(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return backoffDelay(attempt - 1, { baseMs, capMs, jitter: 'equal' }, random);
}

/**
 * Delivers each channel's outbox strictly in order: the next message waits until the one
 * before it was delivered or given up (dead letter). Channels do not wait for each other.
 */
export function createDeliveryWorker(d: DeliveryDeps) {
  const busy = new Map<string, Promise<void>>();

  async function send(c: StoredChannel, m: OutboxMessage, attempt: number): Promise<void> {
    const nowS = Math.floor(d.clock.now().getTime() / 1000);
    switch (c.kind) {
      case 'webhook':
        return sendWebhook(c.config as unknown as WebhookConfig, d.secretOf(c) ?? '', m, attempt, nowS);
      case 'email':
        return sendEmail(c.config as unknown as EmailConfig, d.secretOf(c), m);
      case 'mqtt': {
        const cfg = c.config as unknown as MqttConfig;
        return d.publishTopic(cfg.topic, JSON.stringify(m.body.json), cfg.qos);
      }
    }
  }

  async function attempt(c: StoredChannel, m: OutboxMessage): Promise<boolean> {
    const n = m.attempts + 1;
    const t0 = performance.now();
    try {
      await send(c, m, n);
      await d.outbox.markDelivered(m.id, d.clock.now().toISOString(), n);
      d.onAttempt?.(c.kind, 'delivered', performance.now() - t0);
      return true;
    } catch (err) {
      const e = err instanceof SendError ? err : new SendError((err as Error).message);
      const dead = e.permanent || n >= c.retry.maxAttempts;
      const next = dead
        ? null
        : new Date(d.clock.now().getTime() + retryDelay(n, c.retry.baseMs, c.retry.capMs, d.random)).toISOString();
      await d.outbox.markFailed(m.id, n, e.message, next);
      d.onAttempt?.(c.kind, dead ? 'dead' : 'failed', performance.now() - t0);
      d.logger.warn(
        { channel: c.name, message: m.id, attempt: n, error: e.message, dead },
        dead ? 'notification given up: now a dead letter' : 'notification delivery failed; will retry',
      );
      return dead;
    }
  }

  async function drainChannel(channelId: string): Promise<void> {
    const c = await d.channel(channelId);
    for (let i = 0; i < MAX_PER_RUN; i++) {
      const m = await d.outbox.head(channelId);
      if (!m) return;
      if (!c) {
        await d.outbox.markFailed(m.id, m.attempts, 'the channel was deleted', null);
        continue;
      }
      // A disabled channel keeps its queue until it is enabled again.
      if (!c.enabled) return;
      if (m.nextAttemptAt && m.nextAttemptAt > d.clock.now().toISOString()) return;
      // On failure the head waits for its retry time; a dead letter lets the next one go.
      if (!(await attempt(c, m))) return;
    }
  }

  function kick(channelId: string): Promise<void> {
    const running = busy.get(channelId);
    if (running) return running;
    const p = drainChannel(channelId)
      .catch((err: unknown) => d.logger.error({ err, channelId }, 'notification delivery run failed'))
      .finally(() => busy.delete(channelId));
    busy.set(channelId, p);
    return p;
  }

  return {
    /** Starts delivery on every channel whose head message is due; does not wait for it. */
    async tick() {
      for (const id of await d.outbox.dueChannels(d.clock.now().toISOString())) void kick(id);
    },
    kick,
    /** Waits for every delivery run in progress (tests, shutdown). */
    async idle() {
      await Promise.all([...busy.values()]);
    },
  };
}
