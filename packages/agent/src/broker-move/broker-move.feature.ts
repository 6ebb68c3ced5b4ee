// Moves this device to another of the hub's brokers on a signed instruction (`broker/move`): the
// new broker is tried beside the current one; only when the device is connected and subscribed
// there does it become the primary (kept in broker.json) and the old link close. A broker that
// cannot be reached, or refuses the device's certificate, before the deadline leaves the device
// where it was, with a `broker.move.failed` event saying why.
import type { BrokerMoveMessage } from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import type { TransportFactory } from '../core/ports.js';
import { checkBrokerMove } from './broker-move.check.js';
import type { BrokerState } from './broker-state.store.js';

export interface BrokerMoveOptions {
  /** The hub's document-signing key as enrolled (SPKI PEM); later keys are reached through the chain. */
  trustedKeyPem: string | undefined;
  state: { load(): Promise<BrokerState>; save(s: BrokerState): Promise<void> };
  /** Transports to the broker on trial. */
  transportTo(url: string, caPem: string): TransportFactory;
  /** Replaces the link in use by one from `make` if it comes up within `timeoutMs` (Agent.tryLink). */
  tryLink(make: TransportFactory, timeoutMs: number): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Every later connection goes to this broker. */
  usePrimary(url: string, caPem: string): void;
}

export interface BrokerMoveFeature extends AgentFeature {
  status(): { moves: number; failed: number; refused: number; lastRefusal: string | null };
}

export function createBrokerMoveFeature(o: BrokerMoveOptions): BrokerMoveFeature {
  let busy = false;
  const counts = { moves: 0, failed: 0, refused: 0, lastRefusal: null as string | null };

  async function refuse(ctx: FeatureContext, reason: string, message: string, moveId?: string) {
    counts.refused++;
    counts.lastRefusal = reason;
    ctx.logger.warn('broker move refused; staying on the current broker', { reason, message });
    await ctx
      .emit('broker.move.refused', 'warning', { reason, message, ...(moveId ? { moveId } : {}) })
      .catch(() => undefined);
  }

  async function run(move: BrokerMoveMessage, ctx: FeatureContext) {
    const started = ctx.clock.now();
    const result = await o.tryLink(o.transportTo(move.url, move.caPem), Math.max(0, move.deadline - started));
    const tookMs = ctx.clock.now() - started;
    if (!result.ok) {
      counts.failed++;
      ctx.logger.warn('broker move failed; staying on the current broker', { url: move.url, reason: result.reason });
      await ctx.emit('broker.move.failed', 'warning', {
        moveId: move.moveId,
        url: move.url,
        reason: result.reason,
        tookMs,
      });
      return;
    }
    const state = await o.state.load();
    await o.state.save({ ...state, url: move.url, caPem: move.caPem });
    o.usePrimary(move.url, move.caPem);
    counts.moves++;
    ctx.logger.info('moved to another broker', { url: move.url, tookMs });
    await ctx.emit('broker.move.completed', 'info', { moveId: move.moveId, url: move.url, tookMs });
  }

  async function onMove(payload: Buffer, ctx: FeatureContext) {
    const state = await o.state.load();
    const checked = checkBrokerMove(payload, {
      deviceId: ctx.deviceId,
      trustedKeyPem: o.trustedKeyPem,
      lastSeq: state.seq,
      now: ctx.clock.now(),
    });
    if (!checked.ok) return refuse(ctx, checked.reason, checked.message, claimedMoveId(payload));
    const move = checked.move;
    if (busy) return refuse(ctx, 'move_busy', 'another move is being tried', move.moveId);
    // The sequence is spent before the attempt: the same instruction delivered again is a replay.
    await o.state.save({ ...state, seq: move.seq });
    busy = true;
    try {
      await run(move, ctx);
    } finally {
      busy = false;
    }
  }

  return {
    name: 'broker-move',
    subscriptions: ['broker/move'],
    onMessage(suffix, payload, ctx) {
      if (suffix !== 'broker/move') return;
      // Not awaited by the link: the attempt takes up to the deadline while messages keep flowing.
      void onMove(payload, ctx).catch((err: unknown) =>
        ctx.logger.warn('broker move could not be handled', { error: String(err) }),
      );
    },
    status: () => ({ ...counts }),
  };
}

/** The move id an instruction claims, named in the refusal so the hub can end that move; unchecked. */
function claimedMoveId(payload: Buffer): string | undefined {
  try {
    const id = (JSON.parse(payload.toString('utf8')) as { moveId?: unknown }).moveId;
    return typeof id === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
