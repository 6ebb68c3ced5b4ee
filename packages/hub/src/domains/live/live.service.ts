import { ErrorCode, type FleetSummary } from '@outpost/protocol';
import type { Clock, Timer } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { HubError } from '../../platform/errors.js';
import type { DeviceScope } from '../devices/index.js';
import type { AuditLine, LiveStore, PresenceCounts } from './live.store.js';
import { presenceTrend, type TrendPoint } from './presence-trend.js';
import { createProgressFeed, type ProgressFeedOptions } from './progress-feed.js';

/** One open stream. `send` answers false when the subscriber cannot keep up and should be dropped. */
export interface LiveSink {
  send(event: string, data: unknown): boolean;
  comment(text: string): boolean;
  close(): void;
}

/**
 * Who reads a stream: a group-scoped reader gets presence counts and changed ids of its devices
 * only, audit lines about its devices or by itself, and no fleet-wide rollout or alert figures.
 */
export interface LiveReader {
  scope: DeviceScope;
  username: string;
}

/** The live feed: open streams, the changes that reach them, and the cached fleet figures consoles read. */
export interface LiveService {
  /** Throws when no more streams may open; checked before a stream answers 200. */
  assertCapacity(): void;
  /** Opens a subscription: the first message (`hello`) carries the current counts and audit position. */
  subscribe(sink: LiveSink, reader: LiveReader): Promise<() => void>;
  /** A device went online or offline (gateway hooks). Kept only while someone listens. */
  presenceChanged(deviceId: string, state: 'online' | 'offline'): void;
  /** A rollout, one of its waves or one of its jobs changed: its progress goes out within an interval. */
  rolloutChanged(id: string): void;
  /** An alert fired, resolved or was acknowledged: the open counts go out within an interval. */
  alertsChanged(): void;
  /** Presence counts and the firmware versions in the fleet (largest first), or in a scope. */
  summary(scope: DeviceScope): Promise<FleetSummary>;
  /**
   * Online devices at the end of each of the last `hours` hours, with the transitions in each: of
   * the scope's devices only for a group-scoped reader (not cached: its scope is its own).
   */
  trend(hours: number, scope: DeviceScope): Promise<TrendPoint[]>;
  subscribers(): number;
  /** Ends every stream (the hub is stopping). */
  closeAll(): void;
  /** For tests: run one tick now, and send pending progress. */
  tick(): Promise<void>;
}

interface Subscriber extends LiveReader {
  /** The counts last sent to a scoped reader. */
  last: PresenceCounts | null;
}

export interface LiveOptions {
  store: LiveStore;
  clock: Clock;
  logger: Logger;
  /** One tick: presence changes within it go out as one message; the audit tail is read once. */
  tickMs?: number;
  /** Counts are re-read this often even without a reported change (a sweep marks silent devices offline). */
  refreshMs?: number;
  /** At most this many changed ids per message; past it the message says how many more changed. */
  maxChanged?: number;
  maxSubscribers?: number;
  /** Where rollout progress and open-alert counts are read, when their changes are announced. */
  progress?: Pick<ProgressFeedOptions, 'rolloutProgress' | 'alertCounts' | 'intervalMs'>;
}

// Proxies drop idle connections after ~30-60 s; a comment line keeps the stream open (HTML §9.2.7).
const KEEPALIVE_MS = 25_000;
const SUMMARY_TTL_MS = 15_000;
const TREND_TTL_MS = 60_000;
const AUDIT_BATCH = 20;

/**
 * Fleet changes for open consoles: presence counts and changed device ids, coalesced per tick,
 * one-line summaries of new audit records, and (`progress-feed.ts`) rollout progress and open
 * alert counts, coalesced per rollout. Cheap at any fleet size: one indexed count per
 * tick with changes, one primary-key read of the audit tail, nothing at all without subscribers.
 */
export function createLiveService(o: LiveOptions): LiveService {
  const tickMs = o.tickMs ?? 1000;
  const refreshMs = o.refreshMs ?? 5000;
  const maxChanged = o.maxChanged ?? 500;
  const maxSubscribers = o.maxSubscribers ?? 500;
  const sinks = new Map<LiveSink, Subscriber>();
  const changed = new Map<string, string>();
  let overflow = 0;
  let lastCounts: PresenceCounts | null = null;
  let lastRefresh = 0;
  let lastKeepalive = 0;
  let auditSeq: number | null = null;
  let timer: Timer | null = null;
  let ticking = false;
  let countsCache: { at: number; value: Promise<PresenceCounts> } | null = null;
  let summaryCache: { at: number; value: Promise<FleetSummary> } | null = null;
  const trendCache = new Map<number, { at: number; value: Promise<TrendPoint[]> }>();
  const now = () => o.clock.now().getTime();
  const feed = o.progress ? createProgressFeed({ ...o.progress, broadcast, clock: o.clock, logger: o.logger }) : null;

  // Concurrent callers within a second share one query (a reconnect storm is one count, not hundreds).
  function counts(): Promise<PresenceCounts> {
    if (!countsCache || now() - countsCache.at > tickMs) countsCache = { at: now(), value: o.store.presenceCounts() };
    return countsCache.value;
  }

  // Rollout progress and alert counts are fleet-wide figures: unscoped readers only.
  function broadcast(event: string, data: unknown) {
    for (const [s, sub] of sinks) if (sub.scope.unrestricted && !s.send(event, data)) drop(s);
  }

  function scopedCounts(scope: DeviceScope): Promise<PresenceCounts> {
    return scope.unrestricted ? counts() : o.store.presenceCounts(scope.where);
  }

  /** Presence for each scoped reader: its own counts and only the changed ids inside its scope. */
  async function sendScopedPresence(ids: Array<[string, string]>) {
    for (const [s, sub] of [...sinks]) {
      if (sub.scope.unrestricted) continue;
      const inside = new Set(await sub.scope.within(ids.map(([id]) => id)));
      const mine = ids.filter(([id]) => inside.has(id));
      const c = await scopedCounts(sub.scope);
      const same = sub.last && JSON.stringify(sub.last) === JSON.stringify(c);
      sub.last = c;
      if (mine.length === 0 && same) continue;
      if (!s.send('presence', { counts: c, changed: mine, more: 0 })) drop(s);
    }
  }

  /** Audit lines a scoped reader may see: about a device in its scope, or its own actions. */
  async function sendScopedAudit(seq: number, items: AuditLine[]) {
    const devices = items.flatMap((i) => (i.target?.startsWith('device:') ? [i.target.slice(7)] : []));
    for (const [s, sub] of [...sinks]) {
      if (sub.scope.unrestricted) continue;
      const inside = new Set(await sub.scope.within(devices));
      const own = (actor: string) => actor === sub.username || actor.startsWith(`${sub.username}/token:`);
      const mine = items.filter(
        (i) => own(i.actor) || (i.target?.startsWith('device:') === true && inside.has(i.target.slice(7))),
      );
      if (mine.length > 0 && !s.send('audit', { seq, items: mine })) drop(s);
    }
  }

  function drop(s: LiveSink) {
    sinks.delete(s);
    s.close();
    if (sinks.size === 0) stopTimer();
  }

  async function flushPresence() {
    const due = now() - lastRefresh >= refreshMs;
    if (changed.size === 0 && overflow === 0 && !due) return;
    const ids = [...changed.entries()];
    const more = overflow;
    changed.clear();
    overflow = 0;
    countsCache = null;
    const c = await counts();
    lastRefresh = now();
    const same =
      lastCounts &&
      c.online === lastCounts.online &&
      c.offline === lastCounts.offline &&
      c.never_seen === lastCounts.never_seen &&
      c.total === lastCounts.total;
    lastCounts = c;
    await sendScopedPresence(ids);
    if (ids.length === 0 && more === 0 && same) return;
    broadcast('presence', { counts: c, changed: ids, more });
  }

  async function flushAudit() {
    if (auditSeq === null) auditSeq = await o.store.lastAuditSeq();
    const items: AuditLine[] = await o.store.auditAfter(auditSeq, AUDIT_BATCH);
    if (items.length === 0) return;
    auditSeq = items[items.length - 1].seq;
    // More than a batch behind: say where the log is now; consoles re-read what they show.
    const latest = items.length === AUDIT_BATCH ? await o.store.lastAuditSeq() : auditSeq;
    auditSeq = latest;
    await sendScopedAudit(latest, items);
    broadcast('audit', { seq: latest, items });
  }

  async function tick() {
    if (ticking) return;
    ticking = true;
    try {
      await flushPresence();
      await flushAudit();
      if (now() - lastKeepalive >= KEEPALIVE_MS) {
        lastKeepalive = now();
        for (const s of [...sinks.keys()]) if (!s.comment('keepalive')) drop(s);
      }
    } catch (err) {
      o.logger.warn({ err }, 'live update tick failed');
    } finally {
      ticking = false;
    }
  }

  function startTimer() {
    if (timer) return;
    timer = o.clock.every(tickMs, tick);
    feed?.start();
  }

  function stopTimer() {
    timer?.cancel();
    timer = null;
    feed?.stop();
    auditSeq = null;
    changed.clear();
    overflow = 0;
  }

  return {
    assertCapacity() {
      if (sinks.size >= maxSubscribers)
        throw new HubError(
          ErrorCode.RateLimited,
          `too many open live streams (${maxSubscribers}); close a console tab`,
        );
    },
    async subscribe(sink, reader) {
      const [c, seq] = await Promise.all([scopedCounts(reader.scope), o.store.lastAuditSeq()]);
      sinks.set(sink, { ...reader, last: reader.scope.unrestricted ? null : c });
      if (auditSeq === null) auditSeq = seq;
      if (reader.scope.unrestricted) lastCounts ??= c;
      startTimer();
      if (!sink.send('hello', { counts: c, auditSeq: seq })) drop(sink);
      return () => {
        if (sinks.delete(sink) && sinks.size === 0) stopTimer();
      };
    },
    presenceChanged(deviceId, state) {
      if (sinks.size === 0) return;
      if (changed.has(deviceId) || changed.size < maxChanged) changed.set(deviceId, state);
      else overflow++;
    },
    rolloutChanged(id) {
      feed?.rolloutChanged(id);
    },
    alertsChanged() {
      feed?.alertsChanged();
    },
    async summary(scope) {
      if (!scope.unrestricted) {
        const [c, firmware] = await Promise.all([scopedCounts(scope), o.store.firmware(20, scope.where)]);
        return { counts: c, firmware };
      }
      if (!summaryCache || now() - summaryCache.at > SUMMARY_TTL_MS) {
        const value = Promise.all([counts(), o.store.firmware(20)]).then(([c, firmware]) => ({ counts: c, firmware }));
        summaryCache = { at: now(), value };
        value.catch(() => (summaryCache = null));
      }
      return summaryCache.value;
    },
    trend(hours, scope) {
      const since = new Date(Math.floor(now() / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000).toISOString();
      if (!scope.unrestricted)
        return Promise.all([o.store.presenceCounts(scope.where), o.store.transitionsPerHour(since, scope.where)]).then(
          ([c, t]) => presenceTrend(o.clock.now(), hours, c.online, t),
        );
      const hit = trendCache.get(hours);
      if (hit && now() - hit.at <= TREND_TTL_MS) return hit.value;
      const value = Promise.all([counts(), o.store.transitionsPerHour(since)]).then(([c, t]) =>
        presenceTrend(o.clock.now(), hours, c.online, t),
      );
      trendCache.set(hours, { at: now(), value });
      value.catch(() => trendCache.delete(hours));
      return value;
    },
    subscribers: () => sinks.size,
    closeAll() {
      for (const s of [...sinks.keys()]) drop(s);
      stopTimer();
    },
    tick: async () => {
      await tick();
      await feed?.flush();
    },
  };
}
