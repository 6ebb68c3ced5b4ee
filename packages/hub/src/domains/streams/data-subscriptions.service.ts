import type { DataSubscription } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { claimReach, hiddenOutsideScope, reachInside, type ScopeGroups } from '../../platform/scope-reach.js';
import type { Actor, AuditLog } from '../audit/index.js';
import type { DataSubscriptionsStore, StoredDataSubscription } from './data-subscriptions.store.js';

// Defaults: a delivery every 2 s or every 500 values, whichever comes first; 100,000 values waiting at most.
const DEFAULTS = { maxBatch: 500, maxDelayMs: 2000, maxBacklog: 100_000 };

export interface DataSubscriptionInput {
  name: string;
  channelId: string;
  group?: string;
  filter?: string;
  points: string[];
  maxBatch?: number;
  maxDelayMs?: number;
  maxBacklog?: number;
  enabled?: boolean;
}

export interface DataSubscriptionsDeps {
  store: DataSubscriptionsStore;
  /** The kind of a notification channel, null when there is none by that id. */
  channelKind(id: string): Promise<string | null>;
  /** Throws a filter error (with its position) for a filter that does not compile. */
  validateFilter(filter: string): Promise<void>;
  audit: AuditLog;
  clock: Clock;
  /** Called after a subscription is created or deleted, so the push picks it up. */
  changed(): Promise<void>;
}

const reachOf = (s: StoredDataSubscription) => ({ group: s.group, filter: s.filter, within: s.within });

function publicView(s: StoredDataSubscription): DataSubscription {
  const { within: _w, ...rest } = s;
  return rest;
}

/** Data subscriptions: created and deleted by admins (inside their scope), listed within the reader's scope. */
export function createDataSubscriptions(d: DataSubscriptionsDeps): DataSubscriptionsService {
  async function create(actor: Actor, scope: ScopeGroups, input: DataSubscriptionInput): Promise<DataSubscription> {
    const kind = await d.channelKind(input.channelId);
    if (kind === null)
      throw new ValidationError(`notification channel "${input.channelId}" does not exist`, { path: '/channelId' });
    if (kind !== 'webhook')
      throw new ValidationError(`notification channel "${input.channelId}" is not a webhook`, { path: '/channelId' });
    const maxBatch = input.maxBatch ?? DEFAULTS.maxBatch;
    const maxBacklog = input.maxBacklog ?? Math.max(DEFAULTS.maxBacklog, maxBatch);
    if (maxBacklog < maxBatch)
      throw new ValidationError('maxBacklog must be at least maxBatch', { path: '/maxBacklog' });
    if (input.filter) await d.validateFilter(input.filter);
    const taken = await d.store.taken(input.name, input.channelId);
    if (taken === 'name') throw new Conflict(`a data subscription named "${input.name}" exists`, { path: '/name' });
    if (taken === 'channel')
      throw new Conflict('the channel carries another data subscription already', { path: '/channelId' });
    const reach = claimReach(
      scope,
      { group: input.group ?? null, filter: input.filter ?? null, within: null as string[] | null | undefined },
      'this data subscription',
    );
    const s: StoredDataSubscription = {
      id: newId('dsub'),
      name: input.name,
      channelId: input.channelId,
      group: input.group ?? null,
      filter: input.filter ?? null,
      points: [...new Set(input.points)],
      maxBatch,
      maxDelayMs: input.maxDelayMs ?? DEFAULTS.maxDelayMs,
      maxBacklog,
      enabled: input.enabled ?? true,
      createdBy: actor.id,
      createdAt: d.clock.now().toISOString(),
      within: reach.within && reach.within.length > 0 ? [...reach.within] : null,
    };
    await d.store.insert(s);
    await d.audit.record({
      actor,
      action: 'data_subscription.create',
      target: `data_subscription:${s.id}`,
      details: { name: s.name, channelId: s.channelId, group: s.group, filter: s.filter, points: s.points },
    });
    await d.changed();
    return publicView(s);
  }

  async function remove(actor: Actor, scope: ScopeGroups, id: string) {
    const s = await d.store.get(id);
    if (!s) throw new NotFound('data subscription', id);
    hiddenOutsideScope(scope, reachOf(s), 'data subscription', id, s);
    await d.store.remove(id);
    await d.audit.record({
      actor,
      action: 'data_subscription.delete',
      target: `data_subscription:${id}`,
      details: { name: s.name },
    });
    await d.changed();
  }

  return {
    create,
    remove,
    /** The subscriptions whose devices lie inside `scope`. */
    async list(scope: ScopeGroups) {
      return (await d.store.list()).filter((s) => reachInside(scope, reachOf(s))).map(publicView);
    },
  };
}

export interface DataSubscriptionsService {
  create: (actor: Actor, scope: ScopeGroups, input: DataSubscriptionInput) => Promise<DataSubscription>;
  remove: (actor: Actor, scope: ScopeGroups, id: string) => Promise<void>;
  /** The subscriptions whose devices lie inside `scope`. */
  list(scope: ScopeGroups): Promise<DataSubscription[]>;
}
