import { backoffDelay } from '@outpost/protocol';
import type { AuditComponent } from '@outpost/protocol';
import { Conflict, NotFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { SYSTEM_ACTOR, type Actor, type AuditLog } from '../audit/index.js';
import { decryptWithKek, encryptWithKek } from '../../platform/kek-seal.js';
import { SIEM_SOURCES, type SiemEvent, type SiemSource } from './siem-event.js';
import { deliverPass, type SourceReader } from './siem-outbox.js';
import { batchSender } from './siem-sender.js';
import type { SiemStore, SinkKind, StoredSink } from './siem.store.js';
import { checkSinkSecret, parseSinkConfig, type SinkConfig } from './sink-config.js';
import type { SiemSinkInput } from '@outpost/protocol';

export type SinkInput = SiemSinkInput;
export type SinkPatch = Partial<Pick<SinkInput, 'name' | 'config' | 'secret' | 'enabled'>>;

/** A sink as the API shows it: settings without the secret, the backlog and the health of delivery. */
export interface SinkView {
  id: string;
  name: string;
  kind: SinkKind;
  config: Record<string, unknown>;
  hasSecret: boolean;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  backlog: Record<string, number>;
  backlogTotal: number;
  /** The backlog is at least this (counting stops at BACKLOG_CAP per source). */
  backlogCapped: boolean;
  failing: boolean;
  /**
   * When the sink's alert fired (it failed longer than `alertAfterS`, or its backlog reached
   * `alertBacklog`); null while it is not firing. It resolves when delivery has caught up again.
   */
  alertFiredAt: string | null;
  failures: number;
  failingSince: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  lastDeliveredAt: string | null;
  deliveredTotal: number;
}

export interface SiemService {
  list(): Promise<SinkView[]>;
  get(id: string): Promise<SinkView>;
  create(actor: Actor, input: SinkInput): Promise<SinkView>;
  update(actor: Actor, id: string, patch: SinkPatch): Promise<SinkView>;
  remove(actor: Actor, id: string): Promise<void>;
  /** Sends one test event through the sink now; the cursors do not move. */
  test(actor: Actor, id: string): Promise<{ ok: boolean; error?: string }>;
  /** Starts delivery on every enabled sink that is due; does not wait for it. */
  tick(): Promise<void>;
  /** Waits for the deliveries in progress (tests, shutdown). */
  idle(): Promise<void>;
}

export interface SiemDeps {
  store: SiemStore;
  sources: Map<SiemSource, SourceReader>;
  audit: AuditLog;
  kek: Buffer;
  clock: Clock;
  logger: Logger;
  component: AuditComponent;
  procId: string;
  random?: () => number;
}

const BACKLOG_CAP = 100_000;
// Each sink is a delivery run per tick and a copy of the audit trail leaving the hub: a handful is plenty.
const MAX_SINKS = 16;
// Batches per run of one sink: bounds a run's time; a sink with more waiting runs again next tick.
const MAX_BATCHES_PER_RUN = 20;
const RETRY = { baseMs: 1000, capMs: 60_000, jitter: 'equal' } as const;
const aad = (sinkId: string) => `siem_sink:${sinkId}:secret`;

export function createSiemService(d: SiemDeps): SiemService {
  const busy = new Map<string, Promise<void>>();
  const header = { hostname: d.component.host, procId: d.procId };
  const seal = (id: string, secret: string) =>
    encryptWithKek(d.kek, Buffer.from(secret, 'utf8'), aad(id)).toString('base64');
  const open = (s: StoredSink) =>
    s.secretEnc ? decryptWithKek(d.kek, Buffer.from(s.secretEnc, 'base64'), aad(s.id)).toString('utf8') : null;
  const now = () => d.clock.now().toISOString();
  const sourcesOf = (s: StoredSink) => ((s.config as unknown as SinkConfig).sources ?? SIEM_SOURCES) as SiemSource[];

  async function view(s: StoredSink): Promise<SinkView> {
    const cursors = await d.store.cursors(s.id);
    const backlog: Record<string, number> = {};
    let capped = false;
    for (const source of sourcesOf(s)) {
      backlog[source] = await d.sources.get(source)!.backlog(cursors[source] ?? null, BACKLOG_CAP);
      capped ||= backlog[source] >= BACKLOG_CAP;
    }
    const { secretEnc, alertedAt, ...rest } = s;
    return {
      ...rest,
      alertFiredAt: alertedAt,
      hasSecret: secretEnc !== null,
      backlog,
      backlogTotal: Object.values(backlog).reduce((a, b) => a + b, 0),
      backlogCapped: capped,
      failing: s.failures > 0,
    };
  }

  async function must(id: string): Promise<StoredSink> {
    const s = await d.store.get(id);
    if (!s) throw new NotFound('SIEM sink', id);
    return s;
  }

  /** Where a sink sends to, for the audit log: never its secret. */
  const destination = (kind: SinkKind, c: SinkConfig) =>
    kind === 'syslog-tls' ? { target: `${(c as { host: string }).host}:${(c as { port: number }).port}` } : { kind };

  async function create(actor: Actor, input: SinkInput): Promise<SinkView> {
    if (await d.store.byName(input.name))
      throw new Conflict(`a SIEM sink named "${input.name}" exists`, { path: '/name' });
    if ((await d.store.list()).length >= MAX_SINKS)
      throw new Conflict(`the hub keeps at most ${MAX_SINKS} SIEM sinks; remove one first`);
    const config = parseSinkConfig(input.kind, input.config);
    checkSinkSecret(input.kind, config, input.secret ?? null);
    const id = newId('siem');
    const at = now();
    const cursors: Partial<Record<SiemSource, string>> = {};
    if (input.startAt === 'now')
      for (const source of config.sources) {
        const head = await d.sources.get(source)!.head();
        if (head !== null) cursors[source] = head;
      }
    const sink: StoredSink = {
      id,
      name: input.name,
      kind: input.kind,
      config: { ...config },
      secretEnc: input.secret !== undefined ? seal(id, input.secret) : null,
      enabled: input.enabled ?? true,
      createdBy: actor.id,
      createdAt: at,
      updatedAt: at,
      failures: 0,
      nextAttemptAt: null,
      failingSince: null,
      lastError: null,
      lastDeliveredAt: null,
      deliveredTotal: 0,
      alertedAt: null,
    };
    await d.store.insert(sink, cursors);
    await d.audit.record({
      actor,
      action: 'siem_sink.create',
      target: `siem_sink:${id}`,
      details: {
        name: sink.name,
        kind: sink.kind,
        ...destination(sink.kind, config),
        startAt: input.startAt ?? 'beginning',
      },
    });
    return view(sink);
  }

  async function update(actor: Actor, id: string, patch: SinkPatch): Promise<SinkView> {
    const base = await must(id);
    if (patch.name !== undefined && patch.name !== base.name && (await d.store.byName(patch.name)))
      throw new Conflict(`a SIEM sink named "${patch.name}" exists`, { path: '/name' });
    const config = parseSinkConfig(base.kind, patch.config ?? base.config);
    const secret = patch.secret !== undefined ? patch.secret : open(base);
    checkSinkSecret(base.kind, config, secret);
    await d.store.update(id, {
      name: patch.name,
      config: patch.config !== undefined ? { ...config } : undefined,
      secretEnc: patch.secret !== undefined ? seal(id, patch.secret) : undefined,
      enabled: patch.enabled,
      updatedAt: now(),
    });
    // New settings deserve a prompt attempt rather than the old settings' backoff.
    await d.store.setState(id, { nextAttemptAt: null });
    await d.audit.record({
      actor,
      action: 'siem_sink.update',
      target: `siem_sink:${id}`,
      details: {
        name: patch.name ?? base.name,
        changed: Object.keys(patch).filter((k) => k !== 'secret'),
        secretChanged: patch.secret !== undefined,
      },
    });
    return view(await must(id));
  }

  async function remove(actor: Actor, id: string): Promise<void> {
    const s = await must(id);
    await busy.get(id);
    await d.store.remove(id);
    await d.audit.record({ actor, action: 'siem_sink.delete', target: `siem_sink:${id}`, details: { name: s.name } });
  }

  async function test(actor: Actor, id: string) {
    const s = await must(id);
    const event: SiemEvent = {
      source: 'audit',
      position: 'test',
      seq: 'test',
      time: now(),
      component: d.component,
      type: 'siem.test',
      category: 'audit',
      subject: `${actor.type}:${actor.id}`,
      outcome: 'ok',
      severity: 'notice',
      target: `siem_sink:${id}`,
      sourceIp: actor.sourceIp ?? null,
      details: { name: s.name },
    };
    let error: string | undefined;
    try {
      await batchSender(s, open(s), header)([event]);
    } catch (err) {
      error = (err as Error).message.slice(0, 500);
    }
    await d.audit.record({
      actor,
      action: 'siem_sink.test',
      target: `siem_sink:${id}`,
      outcome: error ? 'failed' : 'ok',
      details: { name: s.name, ...(error ? { reason: error } : {}) },
    });
    return error ? { ok: false, error } : { ok: true };
  }

  /** The events waiting for a sink, counted up to `cap` (at most the cap of what is shown). */
  async function backlogOf(s: StoredSink, cap: number): Promise<number> {
    const cursors = await d.store.cursors(s.id);
    let total = 0;
    for (const source of sourcesOf(s)) {
      total += await d.sources.get(source)!.backlog(cursors[source] ?? null, Math.min(cap, BACKLOG_CAP) - total);
      if (total >= cap) break;
    }
    return total;
  }

  const backlogBound = (s: StoredSink) => Number(s.config.alertBacklog ?? 50_000);

  /**
   * Fires the sink's alert once: an error line and a `siem.sink.failing` audit record saying what
   * fired it (`trigger`: failing too long, or the backlog bound) and why delivery fails (`reason`).
   */
  async function fire(s: StoredSink, trigger: 'failing' | 'backlog', details: Record<string, unknown>) {
    const at = now();
    await d.store.setState(s.id, { alertedAt: at });
    d.logger.error({ sink: s.name, trigger, ...details }, 'SIEM sink failing: events are held back');
    await d.audit.record({
      actor: SYSTEM_ACTOR,
      action: 'siem.sink.failing',
      target: `siem_sink:${s.id}`,
      outcome: 'failed',
      details: { name: s.name, trigger, ...details },
    });
  }

  async function failed(s: StoredSink, err: unknown) {
    const message = ((err as Error).message ?? String(err)).slice(0, 500);
    const at = d.clock.now();
    const failures = s.failures + 1;
    const failingSince = s.failingSince ?? at.toISOString();
    const next = new Date(at.getTime() + backoffDelay(failures - 1, RETRY, d.random)).toISOString();
    const alertAfterMs = Number(s.config.alertAfterS ?? 300) * 1000;
    await d.store.setState(s.id, { failures, failingSince, lastError: message, nextAttemptAt: next });
    d.logger.warn(
      { sink: s.name, failures, error: message },
      'SIEM delivery failed; the backlog waits for the receiver',
    );
    if (s.alertedAt) return;
    if (at.getTime() - Date.parse(failingSince) >= alertAfterMs)
      await fire(s, 'failing', { reason: message, failingSince, failures });
    else {
      const backlog = await backlogOf(s, backlogBound(s));
      if (backlog >= backlogBound(s)) await fire(s, 'backlog', { reason: message, backlog, failingSince, failures });
    }
  }

  /**
   * After a pass that delivered: a sink still behind by its bound fires (delivery too slow); a firing
   * sink whose backlog fell below the bound has recovered, and says so once.
   */
  async function delivered(id: string, more: boolean) {
    const s = await d.store.get(id);
    if (!s || (!s.alertedAt && !more)) return;
    const bound = backlogBound(s);
    const backlog = await backlogOf(s, bound);
    if (!s.alertedAt) {
      if (backlog >= bound) await fire(s, 'backlog', { reason: 'delivery is behind', backlog });
      return;
    }
    if (backlog >= bound) return;
    await d.store.setState(id, { alertedAt: null });
    d.logger.info({ sink: s.name, firedAt: s.alertedAt }, 'SIEM sink recovered');
    await d.audit.record({
      actor: SYSTEM_ACTOR,
      action: 'siem.sink.recovered',
      target: `siem_sink:${id}`,
      details: { name: s.name, firedAt: s.alertedAt, backlog },
    });
  }

  async function run(id: string): Promise<void> {
    const s = await d.store.get(id);
    if (!s || !s.enabled) return;
    if (s.nextAttemptAt && s.nextAttemptAt > now()) return;
    const send = batchSender(s, open(s), header);
    try {
      const result = await deliverPass({
        sources: sourcesOf(s).map((source) => [source, d.sources.get(source)!] as const),
        cursors: await d.store.cursors(id),
        batchSize: Number(s.config.batchSize ?? 200),
        maxBatches: MAX_BATCHES_PER_RUN,
        send,
        advance: (source, position, n) => d.store.advance(id, source, position, n, now()),
      });
      if (result.delivered) await delivered(id, result.more);
    } catch (err) {
      await failed((await d.store.get(id)) ?? s, err);
    }
  }

  function kick(id: string): Promise<void> {
    const running = busy.get(id);
    if (running) return running;
    const p = run(id)
      .catch((err: unknown) => d.logger.error({ err, sink: id }, 'SIEM delivery run failed'))
      .finally(() => busy.delete(id));
    busy.set(id, p);
    return p;
  }

  return {
    list: async () => Promise.all((await d.store.list()).map(view)),
    get: async (id) => view(await must(id)),
    create,
    update,
    remove,
    test,
    async tick() {
      for (const s of await d.store.list()) if (s.enabled) void kick(s.id);
    },
    async idle() {
      await Promise.all([...busy.values()]);
    },
  };
}
