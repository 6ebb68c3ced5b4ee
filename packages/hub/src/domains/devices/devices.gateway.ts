import {
  compileValidator,
  CommandResult,
  EventsMessage,
  HealthMessage,
  HelloMessage,
  MAX_PAYLOAD_BYTES,
  StatusMessage,
  type DeviceSuffix,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { DeviceTrafficSink } from '../../platform/device-bus.js';
import type { AuditLog } from '../audit/index.js';
import type { IngestWriter } from './ingest.writer.js';
import type { HubMetrics } from '../../platform/metrics.js';
import { createDeviceRateLimiter, type DeviceRateLimitOptions } from './device-rate-limit.js';

const validators = {
  status: compileValidator(StatusMessage),
  hello: compileValidator(HelloMessage),
  health: compileValidator(HealthMessage),
  events: compileValidator(EventsMessage),
  'cmd/res': compileValidator(CommandResult),
};

// A hostile device must not be able to flood the audit log with rejections.
const REJECTION_AUDITS_PER_MINUTE = 5;
/** A write nobody waits for: the ingest writer has logged the failed batch; the process goes on. */
const batchFailed = () => undefined;

export interface GatewayDeps {
  ingest: IngestWriter;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  metrics: HubMetrics;
  heartbeatFactor: number;
  onCommandResult(deviceId: string, result: CommandResult): Promise<void>;
  /** The device has subscribed and announced itself: commands can reach it now. */
  onReady(deviceId: string): void;
  onOffline?(deviceId: string): void;
  /**
   * Handlers other domains register for their device topics (e.g. `reported`, `flows`).
   * Called with the raw payload after the size check; a handler validates its own schema
   * and resolves once what must be durable is stored.
   */
  topicHandlers?: Map<string, (deviceId: string, payload: Buffer) => Promise<void>>;
  /** Messages per device and topic (device-rate-limit.ts); without it, no limit. */
  rateLimit?: DeviceRateLimitOptions;
  /**
   * The health interval a device announced in its last stored hello. Replicas share a broker's
   * messages, so the one that handles a device's health may not have seen its hello; without this
   * it would judge the device by the default interval and mark a slower one offline.
   */
  storedHealthIntervalS?(deviceId: string): Promise<number | null>;
}

/** The interval a device is judged by until its hello (or its stored one) says otherwise. */
const DEFAULT_HEALTH_INTERVAL_S = 30;
const STORED_INTERVAL_TTL_MS = 60_000;

/** Lets domains built after the gateway plug in: one more topic handler, one more ready listener. */
export interface GatewayHooks {
  onTopic(suffix: string, handler: (deviceId: string, payload: Buffer) => Promise<void>): void;
  onReady(listener: (deviceId: string) => void): void;
  onOffline(listener: (deviceId: string) => void): void;
}

/** Turns device traffic into inventory state: presence, hello, health, events, command results. */
export function createDeviceGateway(
  deps: GatewayDeps,
): DeviceTrafficSink & { intervalOf(id: string): number; isReady(id: string): boolean } {
  const { ingest, clock } = deps;
  const intervals = new Map<string, number>();
  // When each interval learned from the database (not from a hello seen here) was read.
  const storedReadAt = new Map<string, number>();
  // Connected devices, and whether each has announced itself (status or hello, sent after it subscribed).
  // Presence turns online on that announcement, not on the bare connection, so "online" means reachable.
  const live = new Map<string, { ready: boolean }>();
  const rejections = new Map<string, { minute: number; count: number }>();
  const limiter = deps.rateLimit ? createDeviceRateLimiter(deps.rateLimit) : null;

  /** False when the device is over its rate on this topic; the first drop and the end of an episode are audited. */
  function withinRate(deviceId: string, suffix: string): boolean {
    if (!limiter) return true;
    const v = limiter.take(deviceId, suffix, clock.now().getTime());
    if (v.episodeEnded) {
      const since = new Date(v.episodeEnded.sinceMs).toISOString();
      void deps.audit.record({
        actor: { type: 'device', id: deviceId },
        action: 'device.rate_limit_ended',
        target: `device:${deviceId}`,
        details: { topic: suffix, dropped: v.episodeEnded.dropped, since },
      });
    }
    if (v.allowed) return true;
    deps.metrics.rejectedMessages.inc({ reason: 'rate_limited' });
    if (v.episodeStarted) {
      const { perMinute, burst } = deps.rateLimit!;
      deps.logger.warn({ deviceId, topic: suffix, perMinute, burst }, 'device over its message rate: dropping');
      void deps.audit.record({
        actor: { type: 'device', id: deviceId },
        action: 'device.rate_limited',
        target: `device:${deviceId}`,
        outcome: 'denied',
        details: { topic: suffix, perMinute, burst },
      });
    }
    return false;
  }

  function announced(deviceId: string) {
    const l = live.get(deviceId);
    if (!l || l.ready) return;
    l.ready = true;
    const at = clock.now().toISOString();
    void ingest
      .add((b) => b.presence.push({ deviceId, state: 'online', at }))
      .then(
        () => deps.onReady(deviceId),
        () => undefined,
      );
  }

  function seen(deviceId: string, ip?: string) {
    const now = clock.now();
    const intervalMs = (intervals.get(deviceId) ?? DEFAULT_HEALTH_INTERVAL_S) * 1000;
    const staleAt = new Date(now.getTime() + intervalMs * deps.heartbeatFactor).toISOString();
    // Heard from while connected and announced: online, even where the presence sweep (here or on
    // another replica) has marked it offline since; the batch writer restores it.
    const online = live.get(deviceId)?.ready === true;
    return (b: Parameters<Parameters<IngestWriter['add']>[0]>[0]) =>
      b.seen.set(deviceId, { at: now.toISOString(), staleAt, ip, online });
  }

  async function reject(deviceId: string, suffix: string, code: string, message: string) {
    deps.metrics.rejectedMessages.inc({ reason: code });
    const minute = Math.floor(clock.now().getTime() / 60_000);
    const r = rejections.get(deviceId);
    const entry = r && r.minute === minute ? r : { minute, count: 0 };
    entry.count++;
    rejections.set(deviceId, entry);
    if (entry.count > REJECTION_AUDITS_PER_MINUTE) return;
    deps.logger.warn({ deviceId, suffix, code }, 'device message rejected');
    await deps.audit.record({
      actor: { type: 'device', id: deviceId },
      action: 'device.message_rejected',
      target: `device:${deviceId}`,
      outcome: 'denied',
      details: { topic: suffix, code, message: message.slice(0, 200) },
    });
  }

  /** True when this process should (re)read the device's interval: never seen, or read over a minute ago. */
  function intervalUnsure(deviceId: string): boolean {
    if (!deps.storedHealthIntervalS) return false;
    if (!intervals.has(deviceId)) return true;
    const readAt = storedReadAt.get(deviceId);
    return readAt !== undefined && clock.now().getTime() - readAt >= STORED_INTERVAL_TTL_MS;
  }

  /**
   * Learns a device's interval from its stored hello before judging a message, when this process
   * has not seen its hello. What was read is read again after a minute: the hello that changed it
   * may have reached another replica (or not been stored yet when this one read).
   */
  async function knowInterval(deviceId: string, now: number) {
    const stored = await deps.storedHealthIntervalS!(deviceId).catch(() => null);
    if (intervals.has(deviceId) && !storedReadAt.has(deviceId)) return; // a hello came first
    intervals.set(deviceId, stored ?? DEFAULT_HEALTH_INTERVAL_S);
    storedReadAt.set(deviceId, now);
  }

  async function onMessage(deviceId: string, suffix: string, payload: Buffer): Promise<void> {
    deps.metrics.deviceMessages.inc({ topic: suffix });
    if (!withinRate(deviceId, suffix)) return;
    // A status message is judged by no interval (it marks the device seen by nothing but presence):
    // the first message of every connection, it no longer costs a read of the stored interval.
    if (suffix !== 'hello' && suffix !== 'status' && intervalUnsure(deviceId))
      await knowInterval(deviceId, clock.now().getTime());
    const max = MAX_PAYLOAD_BYTES[suffix as DeviceSuffix];
    if (max !== undefined && payload.length > max)
      return reject(deviceId, suffix, 'payload_too_large', `${payload.length} > ${max} bytes`);
    const now = clock.now().toISOString();
    switch (suffix) {
      case 'status': {
        const m = validators.status.parse(payload);
        if (!m.ok) return reject(deviceId, suffix, m.code, m.message);
        // A will (offline) is handled by the disconnect itself; a birth marks the device reachable,
        // again when this process thinks it already is: a device dropped without a will (the sweep
        // drops a stale one) redials with a birth and nothing else tells it went away.
        if (m.value.state !== 'online') return;
        announced(deviceId);
        void ingest.add(seen(deviceId)).catch(batchFailed);
        return;
      }
      case 'hello': {
        const m = validators.hello.parse(payload);
        if (!m.ok) return reject(deviceId, suffix, m.code, m.message);
        intervals.set(deviceId, m.value.healthIntervalS);
        storedReadAt.delete(deviceId);
        await ingest.add((b) => {
          b.hello.push({ deviceId, hello: m.value, ip: null });
          seen(deviceId)(b);
        });
        announced(deviceId);
        return;
      }
      case 'health': {
        const m = validators.health.parse(payload);
        if (!m.ok) return reject(deviceId, suffix, m.code, m.message);
        void ingest
          .add((b) => {
            b.health.push({ deviceId, at: now, health: m.value });
            seen(deviceId)(b);
          })
          .catch(batchFailed);
        announced(deviceId);
        return;
      }
      case 'events': {
        const m = validators.events.parse(payload);
        if (!m.ok) return reject(deviceId, suffix, m.code, m.message);
        // Persist before the broker acknowledges: a PUBACK means the events are durable.
        return ingest.add((b) => {
          for (const event of m.value.events) b.events.push({ deviceId, receivedAt: now, event });
          seen(deviceId)(b);
        });
      }
      case 'cmd/res': {
        const m = validators['cmd/res'].parse(payload);
        if (!m.ok) return reject(deviceId, suffix, m.code, m.message);
        void ingest.add(seen(deviceId)).catch(batchFailed);
        return deps.onCommandResult(deviceId, m.value);
      }
      default: {
        void ingest.add(seen(deviceId)).catch(batchFailed);
        const handler = deps.topicHandlers?.get(suffix);
        if (handler) return handler(deviceId, payload);
      }
    }
  }

  return {
    intervalOf: (id) => intervals.get(id) ?? DEFAULT_HEALTH_INTERVAL_S,
    isReady: (id) => live.get(id)?.ready ?? false,
    onConnect(deviceId, ip) {
      live.set(deviceId, { ready: false });
      void ingest.add(seen(deviceId, ip ?? undefined)).catch(batchFailed);
    },
    onDisconnect(deviceId) {
      const was = live.get(deviceId);
      live.delete(deviceId);
      if (!was?.ready) return;
      const at = clock.now().toISOString();
      void ingest
        .add((b) => {
          b.presence.push({ deviceId, state: 'offline', at });
          // What it sent before it went is no proof it is still there.
          const heard = b.seen.get(deviceId);
          if (heard) heard.online = false;
        })
        .catch(batchFailed);
      deps.onOffline?.(deviceId);
    },
    onMessage,
  };
}
