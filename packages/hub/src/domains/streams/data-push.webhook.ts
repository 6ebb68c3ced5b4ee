import { Counter } from 'prom-client';
import type { DataPushDelivery, DataPushMessage } from '@outpost/protocol';
import type { Clock, Timer } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { HubMetrics } from '../../platform/metrics.js';
import { narrowFilterText } from '../../platform/scope-reach.js';
import { SYSTEM_ACTOR, type AuditLog } from '../audit/index.js';
import type { DataSubscriptionsStore, StoredDataSubscription } from './data-subscriptions.store.js';
import { pushMessage } from './streams.push.js';
import type { StreamValue, StreamsReader } from './streams.types.js';

// Filed batches waiting to be sorted into subscriptions; past this the oldest are dropped (counted).
const MAX_INTAKE = 10_000;
// A device's membership in a subscription's selection is looked up again after this long.
const MATCH_TTL_MS = 30_000;
// A subscription dropping values is recorded in the audit log at most this often (with the count).
const DROP_REPORT_EVERY_MS = 60_000;
const DROPPED_REASON = "dropped: the data subscription's backlog was full";

/** What the webhook push needs of the notifications domain: its outbox, delivery and dead letters. */
export interface DataPushOutbox {
  enqueue(
    channelId: string,
    kind: 'data',
    summary: string,
    body: { json: unknown; email: { subject: string; text: string; html: string } },
    deviceIds: readonly string[],
  ): Promise<string>;
  dropOldestPending(channelId: string, kind: 'data', keep: number, reason: string): Promise<unknown[]>;
}

export interface WebhookPushDeps {
  reader: Pick<StreamsReader, 'onValues'>;
  subscriptions: DataSubscriptionsStore;
  outbox: DataPushOutbox;
  /** The ids of `ids` a device filter selects (null = every device). */
  devicesMatching(filter: string | null, ids: readonly string[]): Promise<string[]>;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  metrics: HubMetrics;
}

/** `*` is any run of characters, `?` one; everything else is literal. */
export function pointGlob(globs: readonly string[]): RegExp {
  const one = (g: string) =>
    g
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\-]/g, '\\$&')))
      .join('');
  return new RegExp(`^(?:${globs.map(one).join('|')})$`);
}

/** A subscription's devices as one filter text: its group, its filter, narrowed to the creator's scope. */
export function selectionFilter(s: Pick<StoredDataSubscription, 'group' | 'filter' | 'within'>): string | null {
  const parts = [s.group ? `group = ${JSON.stringify(s.group)}` : null, s.filter ? `(${s.filter})` : null];
  const text = parts.filter((p) => p !== null).join(' and ');
  return narrowFilterText(text === '' ? null : text, s.within);
}

interface Live {
  sub: StoredDataSubscription;
  points: RegExp;
  filter: string | null;
  matches: Map<string, { ok: boolean; until: number }>;
  buffer: DataPushMessage[];
  buffered: number;
  timer: Timer | null;
  flushing: Promise<void>;
  /** Values dropped since the last delivery was built (told to the receiver in it). */
  droppedSinceDelivery: number;
  droppedUnreported: number;
  lastReportAt: number;
  stopped: boolean;
}

/**
 * Pushes filed values to the data subscriptions' webhook channels: each subscription collects the
 * values of its devices' points and queues a delivery of up to `maxBatch` values when it has that
 * many or when its oldest value has waited `maxDelayMs`. Deliveries go through the notifications
 * outbox (signed, retried with backoff, in order, dead letters). Waiting values, in memory and in
 * the outbox, are bounded by `maxBacklog`: past it the oldest are dropped and counted.
 */
export function createWebhookPush(d: WebhookPushDeps) {
  const dropped = new Counter({
    name: 'outpost_data_push_dropped_total',
    help: 'Process values not pushed to a data subscription because its backlog was full',
    labelNames: ['subscription'],
    registers: [d.metrics.registry],
  });
  const queued = new Counter({
    name: 'outpost_data_push_deliveries_total',
    help: 'Data subscription deliveries queued for their webhook channel',
    registers: [d.metrics.registry],
  });
  let live = new Map<string, Live>();
  const intake: Array<{ deviceId: string; values: StreamValue[] }> = [];
  let sorting: Promise<void> | null = null;
  let intakeDropped = 0;
  const now = () => d.clock.now().getTime();

  // Subscriptions are created and deleted, never changed: a known one keeps its state.
  function liveOf(sub: StoredDataSubscription, before?: Live): Live {
    if (before) return before;
    return {
      sub,
      points: pointGlob(sub.points),
      filter: selectionFilter(sub),
      matches: new Map(),
      buffer: [],
      buffered: 0,
      timer: null,
      flushing: Promise.resolve(),
      droppedSinceDelivery: 0,
      droppedUnreported: 0,
      lastReportAt: Number.NEGATIVE_INFINITY,
      stopped: false,
    };
  }

  async function reload() {
    const subs = await d.subscriptions.list();
    const next = new Map(subs.map((s) => [s.id, liveOf(s, live.get(s.id))]));
    for (const [id, l] of live)
      if (!next.has(id)) {
        l.stopped = true;
        l.timer?.cancel();
      }
    live = next;
  }

  async function selects(l: Live, deviceId: string): Promise<boolean> {
    const hit = l.matches.get(deviceId);
    const t = now();
    if (hit && hit.until > t) return hit.ok;
    const ok = (await d.devicesMatching(l.filter, [deviceId])).length > 0;
    if (l.matches.size > 100_000) l.matches.clear();
    l.matches.set(deviceId, { ok, until: t + MATCH_TTL_MS });
    return ok;
  }

  function countDropped(l: Live, n: number) {
    if (n <= 0) return;
    l.droppedSinceDelivery += n;
    l.droppedUnreported += n;
    dropped.inc({ subscription: l.sub.id }, n);
    if (now() - l.lastReportAt >= DROP_REPORT_EVERY_MS) void reportDropped(l);
  }

  async function reportDropped(l: Live) {
    const count = l.droppedUnreported;
    l.droppedUnreported = 0;
    l.lastReportAt = now();
    d.logger.warn({ subscription: l.sub.id, count }, 'data push backlog full: oldest values dropped');
    await d.audit
      .record({
        actor: SYSTEM_ACTOR,
        action: 'data.push.dropped',
        target: `data_subscription:${l.sub.id}`,
        details: { name: l.sub.name, count, maxBacklog: l.sub.maxBacklog },
      })
      .catch((err: unknown) => d.logger.error({ err }, 'data push drop not recorded'));
  }

  function add(l: Live, m: DataPushMessage) {
    l.buffer.push(m);
    l.buffered += m.values.length;
    // Memory holds at most a backlog's worth; the oldest values go first.
    let over = l.buffered - l.sub.maxBacklog;
    let gone = 0;
    while (over > 0 && l.buffer.length > 0) {
      const head = l.buffer[0]!;
      const n = Math.min(over, head.values.length);
      head.values.splice(0, n);
      if (head.values.length === 0) l.buffer.shift();
      l.buffered -= n;
      over -= n;
      gone += n;
    }
    countDropped(l, gone);
    if (l.buffered >= l.sub.maxBatch) flush(l);
    else if (!l.timer && l.buffered > 0) l.timer = d.clock.after(l.sub.maxDelayMs, () => flush(l));
  }

  /** Takes up to `maxBatch` values off the front of the buffer, splitting a batch if need be. */
  function take(l: Live): DataPushMessage[] {
    const out: DataPushMessage[] = [];
    let room = l.sub.maxBatch;
    while (room > 0 && l.buffer.length > 0) {
      const head = l.buffer[0]!;
      if (head.values.length <= room) {
        out.push(l.buffer.shift()!);
        room -= head.values.length;
      } else {
        out.push({ ...head, values: head.values.splice(0, room) });
        room = 0;
      }
    }
    l.buffered -= l.sub.maxBatch - room;
    return out;
  }

  function flush(l: Live) {
    l.timer?.cancel();
    l.timer = null;
    l.flushing = l.flushing
      .then(() => deliver(l))
      .catch((err: unknown) => {
        d.logger.error({ err, subscription: l.sub.id }, 'data push delivery not queued');
      });
  }

  async function deliver(l: Live) {
    while (!l.stopped && l.buffered > 0) {
      const messages = take(l);
      const seq = await d.subscriptions.nextSeq(l.sub.id);
      const body: DataPushDelivery = {
        v: 1,
        type: 'data',
        subscriptionId: l.sub.id,
        seq,
        dropped: l.droppedSinceDelivery,
        messages,
      };
      l.droppedSinceDelivery = 0;
      const n = messages.reduce((s, m) => s + m.values.length, 0);
      const summary = `Data subscription "${l.sub.name}" delivery ${seq}: ${n} values of ${messages.length} batches`;
      await d.outbox.enqueue(
        l.sub.channelId,
        'data',
        summary,
        { json: body, email: { subject: `[Outpost] ${summary}`, text: summary, html: `<p>${summary}</p>` } },
        [...new Set(messages.map((m) => m.deviceId))],
      );
      queued.inc();
      // The outbox holds at most a backlog's worth of deliveries: a receiver that is down loses the oldest.
      const keep = Math.max(1, Math.ceil(l.sub.maxBacklog / l.sub.maxBatch));
      const gone = await d.outbox.dropOldestPending(l.sub.channelId, 'data', keep, DROPPED_REASON);
      countDropped(
        l,
        gone.reduce<number>((s, b) => s + valuesIn(b), 0),
      );
      // Less than a batch left: it waits for more, or for its delay.
      if (l.buffered < l.sub.maxBatch) break;
    }
    if (!l.stopped && l.buffered > 0 && !l.timer) l.timer = d.clock.after(l.sub.maxDelayMs, () => flush(l));
  }

  async function sort() {
    while (intake.length > 0) {
      const { deviceId, values } = intake.shift()!;
      for (const l of live.values()) {
        if (!l.sub.enabled || l.stopped) continue;
        const mine = values.filter((v) => l.points.test(v.point));
        if (mine.length === 0) continue;
        // A selection that cannot be evaluated now (a filter naming a deleted group) sends nothing.
        const ok = await selects(l, deviceId).catch((err: unknown) => {
          d.logger.warn({ err, subscription: l.sub.id }, 'data subscription selection failed');
          return false;
        });
        if (ok) add(l, pushMessage(deviceId, mine));
      }
    }
  }

  const unsubscribe = d.reader.onValues((deviceId, values) => {
    if (live.size === 0) return;
    intake.push({ deviceId, values });
    if (intake.length > MAX_INTAKE) {
      intakeDropped += intake.shift()!.values.length;
      d.logger.warn({ dropped: intakeDropped }, 'data push intake full: oldest batches dropped');
    }
    sorting ??= sort().finally(() => (sorting = null));
  });

  const ready = reload().catch((err: unknown) => d.logger.error({ err }, 'data subscriptions not loaded'));

  return {
    ready,
    reload,
    /** Waits until the filed values told so far are sorted and the deliveries begun are queued. */
    async settled() {
      while (sorting) await sorting;
      await Promise.all([...live.values()].map((l) => l.flushing));
    },
    /** Queues what every subscription holds now (tests, shutdown), and waits for it. */
    async flushAll() {
      while (sorting) await sorting;
      for (const l of live.values()) if (l.buffered > 0) flush(l);
      await Promise.all([...live.values()].map((l) => l.flushing));
    },
    stop() {
      unsubscribe();
      for (const l of live.values()) {
        l.stopped = true;
        l.timer?.cancel();
      }
    },
  };
}

function valuesIn(body: unknown): number {
  const b = body as Partial<DataPushDelivery> | null;
  return Array.isArray(b?.messages) ? b.messages.reduce((s, m) => s + (m.values?.length ?? 0), 0) : 0;
}
