import type { KeyObject } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { GuardPolicyMessage, compileValidator, followKeyChain, type GuardKeyEndorsement } from '@outpost/protocol';
import {
  GrantBook,
  monitorPolicy,
  type GuardEvent,
  type GuardPolicy,
  type RejectedGrant,
  type WriteGrant,
} from '@outpost/guard';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import { GuardEventLimiter, type LimiterOptions } from './guard-event.limiter.js';
import { summaryEvent, toDeviceEvent, type QueuedEvent } from './guard-event.mapper.js';
import { createMemoryGuardState, type GuardStateStore } from './guard-state.store.js';
import { documentSignedBy, keyChainCrypto, keyFingerprint, parseGuardKey } from './guard-key.util.js';
import { startGuard, type RunningGuard } from './guard.runner.js';
import type { ConsoleSessionStats } from './console.tap.js';
import { guardName, type GuardSpec } from './guard-spec.js';
import { FieldAssetTracker } from './field-asset.tracker.js';
import { createFieldAssetReporter } from './field-asset.reporter.js';
import type { Endpoint } from './tcp-relay.server.js';

// The OT guard as an agent feature. It runs the configured inline guards, takes policy and
// signed write grants from the hub's retained `guard/policy` document, and ships what the
// guards see as device events through the durable queue (so nothing is lost offline).
//
// Trust in grants: the hub's Ed25519 guard key arrives with the device's enrollment, over
// HTTPS pinned to the CA fingerprint the operator handed over with the token; the agent
// keeps it beside its certificate. A device enrolled before the hub had a guard key pins
// the key carried by the first policy document instead (trust on first use, reported as
// `guard.key_pinned`). The hub may rotate its key: a document offering a new key carries
// the chain of endorsements from the old one, each signed by the key before it; the agent
// follows it only from the key it trusts (`guard.key_rotated`) and remembers where it got to.
// A document offering any other key is reported as `guard.key_mismatch` and its grants are
// refused: a forged grant needs the hub's key.
// Every document is signed as a whole by the trusted key (after following a rotation it
// carries), so whoever can deliver messages cannot loosen the policy; an unsigned or
// wrongly signed document is refused (`guard.policy_rejected`) and changes nothing.
// Expiry is checked on this device's clock at every request, online or not; the last
// applied document is kept on disk so a restart while offline enforces the same grants.

const validate = compileValidator(GuardPolicyMessage);
const TICK_MS = 1000;
const MAX_PENDING = 5000;

export interface GuardFeatureOptions {
  guards: GuardSpec[];
  /** Policy until the hub sends one, and whenever the hub has none for this device. Default: monitor. */
  localPolicy?: GuardPolicy;
  /** Where the applied document and a pinned key are kept; memory when absent. */
  state?: GuardStateStore;
  /** The hub's guard public key (SPKI PEM) received at enrollment. */
  trustedKeyPem?: string;
  /** Milliseconds since the epoch for grant validity and event times; default the agent clock. */
  now?: () => number;
  limits?: Partial<LimiterOptions>;
  /** How often statistics of long-lived sessions are reported. Default 15 minutes. */
  statsIntervalMs?: number;
  /** How often grant expiry and event summaries are checked. Default 1 s. */
  tickMs?: number;
  openSerial?: (path: string) => Duplex;
  /** Least time between two field-device inventory reports. Default 5 minutes. */
  assetReportMs?: number;
  /** Field devices kept per guard. Default 64. */
  maxAssetsPerTarget?: number;
}

/** Where the trusted hub key came from: enrollment, first use, or a followed rotation. */
export type KeySource = 'enrollment' | 'pinned' | 'rotated';

export interface GuardFeatureStatus {
  guards: Array<{ name: string; kind: GuardSpec['kind']; address?: Endpoint; upstream?: Endpoint }>;
  source: 'hub' | 'local';
  documentVersion: number | null;
  policy: GuardPolicy;
  key: { source: KeySource | 'none'; fingerprint: string | null };
  grants: { accepted: string[]; active: string[]; refused: RejectedGrant[] };
}

export interface GuardFeature extends AgentFeature {
  /** Resolves once every configured guard is listening or bridging. */
  ready(): Promise<void>;
  status(): GuardFeatureStatus;
  /** Calls back with every decision the guards make (before events are rate-limited), e.g. to explain a refused write. */
  watch(listener: (e: GuardEvent, guard: string) => void): void;
}

export function createGuardFeature(o: GuardFeatureOptions): GuardFeature {
  const state = o.state ?? createMemoryGuardState();
  const localPolicy = o.localPolicy ?? monitorPolicy();
  const limiters = new Map<string, GuardEventLimiter>();
  const guards: RunningGuard[] = [];
  const pending: QueuedEvent[] = [];
  const watchers: Array<(e: GuardEvent, guard: string) => void> = [];
  let ctx: FeatureContext | undefined;
  let key: { obj: KeyObject; pem: string; source: KeySource; root: string } | undefined;
  let doc: GuardPolicyMessage | undefined;
  let book = GrantBook.empty();
  let watched = new Map<string, WriteGrant>();
  let started: Promise<void> = Promise.resolve();
  let tick: { cancel(): void } | undefined;
  let lastStats = 0;
  let draining = false;
  let dropped = 0;
  let stopped = false;

  const now = () => (o.now ? o.now() : (ctx?.clock.now() ?? Date.now()));
  const assets = new FieldAssetTracker({ maxPerTarget: o.maxAssetsPerTarget });
  const assetReporter = createFieldAssetReporter({
    tracker: assets,
    minIntervalMs: o.assetReportMs,
    now,
    online: () => ctx?.online() ?? false,
    publish: async (msg) => {
      if (ctx) await ctx.publish('guard/assets', msg, 1);
    },
  });
  const currentPolicy = (): GuardPolicy => (doc?.policy ? { ...doc.policy } : localPolicy);

  function enqueue(e: QueuedEvent): void {
    if (pending.length >= MAX_PENDING) {
      dropped++;
      return;
    }
    pending.push(e);
    // Events are written after the current frame has been forwarded, never in its path.
    if (!draining) setImmediate(() => void drain());
  }

  async function drain(): Promise<void> {
    if (draining || !ctx) return;
    draining = true;
    try {
      if (dropped > 0) pending.unshift({ type: 'guard.events_dropped', severity: 'warning', data: { count: dropped } });
      dropped = 0;
      for (let e = pending.shift(); e; e = pending.shift()) {
        await ctx
          .emit(e.type, e.severity, e.data)
          .catch((err: unknown) => ctx?.logger.warn('guard event not queued', { error: String(err) }));
      }
    } finally {
      draining = false;
    }
  }

  function ship(guard: string, e: GuardEvent): void {
    for (const w of watchers) w(e, guard);
    let limiter = limiters.get(guard);
    if (!limiter) limiters.set(guard, (limiter = new GuardEventLimiter(o.limits)));
    if (limiter.admit(e, now())) enqueue(toDeviceEvent(e, guard));
  }

  function consoleSession(guard: string, s: ConsoleSessionStats, ongoing = false): void {
    enqueue({
      type: 'guard.console_session',
      severity: 'info',
      data: { guard, ...s, ...(ongoing ? { ongoing } : {}) },
    });
  }

  function trustKey(offeredPem: string, chain: readonly GuardKeyEndorsement[]): KeyObject | undefined {
    const offered = parseGuardKey(offeredPem);
    if (!key && offered) {
      state.savePinnedKey(offeredPem);
      key = { obj: offered, pem: offeredPem, source: 'pinned', root: keyFingerprint(offered) };
      enqueue({ type: 'guard.key_pinned', severity: 'warning', data: { fingerprint: keyFingerprint(offered) } });
    } else if (key && offered && !offered.equals(key.obj)) {
      const walked = followKeyChain(key.pem, offeredPem, chain, keyChainCrypto);
      if (walked.ok) {
        const from = keyFingerprint(key.obj);
        state.saveRotatedKey({ pem: offeredPem, root: key.root });
        key = { obj: offered, pem: offeredPem, source: 'rotated', root: key.root };
        enqueue({
          type: 'guard.key_rotated',
          severity: 'info',
          data: { from, to: walked.fingerprint, steps: walked.steps },
        });
      } else {
        enqueue({
          type: 'guard.key_mismatch',
          severity: 'critical',
          data: {
            trusted: keyFingerprint(key.obj),
            offered: keyFingerprint(offered),
            source: key.source,
            chain: walked.reason,
          },
        });
      }
    } else if (key && !offered) {
      enqueue({
        type: 'guard.key_mismatch',
        severity: 'critical',
        data: { trusted: keyFingerprint(key.obj), offered: 'unreadable', source: key.source },
      });
    }
    return key?.obj;
  }

  /** Applies a document signed by the trusted key; anything else is reported and changes nothing. */
  function apply(next: GuardPolicyMessage, origin: 'hub' | 'disk'): boolean {
    const grantKey = trustKey(next.guardKey, next.keyChain ?? []);
    if (!documentSignedBy(next, grantKey)) {
      enqueue({
        type: 'guard.policy_rejected',
        severity: 'critical',
        data: { reason: next.signature ? 'bad_signature' : 'unsigned', documentVersion: next.version, origin },
      });
      return false;
    }
    doc = next;
    book = new GrantBook(next.grants, grantKey, next.deviceId);
    const policy = currentPolicy();
    for (const g of guards) {
      g.setPolicy(policy);
      g.setGrants(next.grants, grantKey);
    }
    const t = now();
    watched = new Map(book.accepted.filter((g) => g.expiresAt > t).map((g) => [g.id, g]));
    for (const r of book.rejected)
      enqueue({
        type: 'guard.grant_refused',
        severity: 'warning',
        data: { grantId: r.id, reason: r.reason, documentVersion: next.version },
      });
    enqueue({
      type: 'guard.policy_applied',
      severity: 'info',
      data: {
        origin,
        documentVersion: next.version,
        policyVersion: policy.version,
        mode: policy.mode,
        readOnly: policy.readOnly,
        fromHub: next.policy !== null,
        grants: book
          .active(t)
          .map((g) => g.id)
          .slice(0, 32),
        refused: book.rejected.length,
      },
    });
    return true;
  }

  async function onPolicyMessage(payload: Buffer, c: FeatureContext): Promise<void> {
    const r = validate.parse(payload);
    if (!r.ok)
      return enqueue({
        type: 'guard.policy_rejected',
        severity: 'warning',
        data: { reason: r.code, message: r.message.slice(0, 200) },
      });
    if (r.value.deviceId !== c.deviceId)
      return enqueue({ type: 'guard.policy_rejected', severity: 'warning', data: { reason: 'wrong_device' } });
    await started;
    // The broker redelivers the retained document on every subscribe: apply only newer ones.
    if (doc && r.value.version <= doc.version) return;
    if (apply(r.value, 'hub')) state.saveDocument(r.value);
  }

  function onTick(): void {
    if (stopped) return;
    const t = now();
    for (const [id, g] of watched) {
      if (t < g.expiresAt) continue;
      watched.delete(id);
      enqueue({
        type: 'guard.grant_expired',
        severity: 'info',
        data: { grantId: id, unit: g.unit, table: g.table, start: g.start, end: g.end, expiresAt: g.expiresAt },
      });
    }
    for (const [name, l] of limiters) for (const s of l.drain(t)) enqueue(summaryEvent(s, name));
    const every = o.statsIntervalMs ?? 900_000;
    if (t - lastStats >= every) {
      lastStats = t;
      reportOngoing();
    }
    void assetReporter
      .check()
      .catch((err: unknown) => ctx?.logger.warn('field inventory report failed', { error: String(err) }));
    tick = ctx?.clock.setTimeout(onTick, o.tickMs ?? TICK_MS);
  }

  function reportOngoing(): void {
    for (const g of guards) {
      for (const s of g.snapshots()) {
        if (!('type' in s)) {
          consoleSession(g.name, s, true);
          continue;
        }
        const e = toDeviceEvent(s, g.name);
        e.data.ongoing = true;
        enqueue(e);
      }
    }
  }

  async function startAll(c: FeatureContext): Promise<void> {
    // The key from enrollment, else the one pinned on first use; then a rotation followed from it.
    const pinnedPem = state.loadPinnedKey();
    const [pem, source] = parseGuardKey(o.trustedKeyPem)
      ? [o.trustedKeyPem, 'enrollment' as const]
      : [pinnedPem, 'pinned' as const];
    const anchor = parseGuardKey(pem);
    key = anchor && pem ? { obj: anchor, pem, source, root: keyFingerprint(anchor) } : undefined;
    const rotated = state.loadRotatedKey();
    const rotatedKey = parseGuardKey(rotated?.pem);
    if (key && rotated && rotatedKey && rotated.root === key.root)
      key = { obj: rotatedKey, pem: rotated.pem, source: 'rotated', root: key.root };
    const saved = state.loadDocument();
    const savedOk = saved && saved.deviceId === c.deviceId ? saved : undefined;
    for (const spec of o.guards) {
      try {
        const g = await startGuard(spec, {
          deviceId: c.deviceId,
          policy: localPolicy,
          grants: [],
          grantKey: key?.obj,
          clock: now,
          onEvent: (e) => ship(guardName(spec), e),
          onConsoleSession: (s) => consoleSession(guardName(spec), s),
          onIdentity: (protocol, address, identity, origin) =>
            assets.observe(guardName(spec), protocol, address, identity, now(), origin),
          openSerial: o.openSerial,
        });
        guards.push(g);
        c.logger.info('guard started', {
          guard: g.name,
          ...(g.address ? { address: `${g.address.host}:${g.address.port}` } : {}),
        });
      } catch (err) {
        c.logger.warn('guard failed to start', { kind: spec.kind, error: String(err) });
        enqueue({
          type: 'guard.start_failed',
          severity: 'critical',
          data: { kind: spec.kind, error: String(err).slice(0, 200) },
        });
      }
    }
    if (savedOk) apply(savedOk, 'disk');
    enqueue({
      type: 'guard.started',
      severity: 'info',
      data: { guards: guards.map((g) => g.name), mode: currentPolicy().mode, documentVersion: doc?.version ?? null },
    });
    lastStats = now();
    tick = c.clock.setTimeout(onTick, o.tickMs ?? TICK_MS);
  }

  return {
    name: 'guard',
    subscriptions: ['guard/policy'],
    commands: { 'guard-status': async () => status() },
    start(c) {
      ctx = c;
      stopped = false;
      started = startAll(c);
      return started;
    },
    onMessage: (suffix, payload, c) => (suffix === 'guard/policy' ? onPolicyMessage(payload, c) : undefined),
    ready: () => started,
    status,
    watch: (listener) => void watchers.push(listener),
    async stop() {
      stopped = true;
      tick?.cancel();
      await started.catch(() => undefined);
      await Promise.all(guards.splice(0).map((g) => g.close().catch(() => undefined)));
      for (const [name, l] of limiters) for (const s of l.drain(now(), true)) enqueue(summaryEvent(s, name));
      await drain();
    },
  };

  function status(): GuardFeatureStatus {
    const t = now();
    return {
      guards: guards.map((g) => ({
        name: g.name,
        kind: g.spec.kind,
        ...(g.address ? { address: g.address } : {}),
        ...('upstream' in g.spec ? { upstream: g.spec.upstream } : {}),
      })),
      source: doc?.policy ? 'hub' : 'local',
      documentVersion: doc?.version ?? null,
      policy: currentPolicy(),
      key: { source: key?.source ?? 'none', fingerprint: key ? keyFingerprint(key.obj) : null },
      grants: {
        accepted: book.accepted.map((g) => g.id),
        active: book.active(t).map((g) => g.id),
        refused: [...book.rejected],
      },
    };
  }
}
