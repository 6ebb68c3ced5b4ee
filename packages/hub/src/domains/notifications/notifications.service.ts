import type { ChannelKind, NotificationChannel } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import { newId, newSecret } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditLog } from '../audit/index.js';
import type { Actor } from '../audit/index.js';
import type { DeviceWhere } from '../devices/index.js';
import { openSecret, sealSecret } from './channel-secret.js';
import { parseChannelConfig } from './channel-config.js';
import type { ChannelsStore, StoredChannel } from './channels.store.js';
import { composeAlerts } from './notify.composer.js';
import type { createDeliveryWorker } from './delivery.worker.js';
import type { MessageBody, OutboxStore } from './outbox.store.js';
import type { OutboxMessage } from './outbox.store.js';

// One message carries at most this many alert changes; a larger storm continues in the next one.
const MAX_INTENTS_PER_MESSAGE = 10_000;

export interface ChannelInput {
  name: string;
  kind: ChannelKind;
  config: Record<string, unknown>;
  /** Webhook HMAC key (generated when absent) or SMTP password. */
  secret?: string;
  digest?: { waitS?: number; intervalS?: number };
  retry?: { baseMs?: number; capMs?: number; maxAttempts?: number };
  enabled?: boolean;
}

export interface NotificationsDeps {
  channels: ChannelsStore;
  outbox: OutboxStore;
  worker: ReturnType<typeof createDeliveryWorker>;
  kek: Buffer;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}

export interface NotificationsService {
  createChannel: (
    actor: Actor,
    input: ChannelInput,
  ) => Promise<{
    secret?: string | undefined;
    channel: NotificationChannel;
  }>;
  updateChannel: (
    actor: Actor,
    id: string,
    patch: Partial<Omit<ChannelInput, 'kind'>> & {
      rotateSecret?: boolean;
    },
  ) => Promise<{
    secret?: string | undefined;
    channel: NotificationChannel;
  }>;
  deleteChannel: (actor: Actor, id: string) => Promise<void>;
  listChannels: () => Promise<NotificationChannel[]>;
  getChannel: (id: string) => Promise<NotificationChannel>;
  test: (
    actor: Actor,
    id: string,
  ) => Promise<{
    messageId: string;
  }>;
  retry: (actor: Actor, messageId: string, devices?: DeviceWhere | null) => Promise<OutboxMessage | null>;
  enqueue: (
    channelId: string,
    kind: 'report' | 'test' | 'automation' | 'data',
    summary: string,
    body: MessageBody,
    deviceIds?: readonly string[],
  ) => Promise<string>;
  /** `devices`: the devices of a group-scoped reader (null = every message). */
  messages: (
    q: {
      channelId?: string;
      state?: string;
      limit?: number;
    },
    devices?: DeviceWhere | null,
  ) => Promise<OutboxMessage[]>;
  deadLetters: (devices?: DeviceWhere | null, limit?: number) => Promise<OutboxMessage[]>;
  message: (id: string, devices?: DeviceWhere | null) => Promise<OutboxMessage>;
  missingChannels(ids: string[]): Promise<string[]>;
  enabledChannelIds(): Promise<Set<string>>;
  secretOf: (c: StoredChannel) => string | null;
  /** The kind of a channel, or null when there is none by that id. */
  channelKind: (id: string) => Promise<ChannelKind | null>;
  /** Keeps at most `keep` pending `kind` messages on a channel (oldest become dead letters); the bodies dropped. */
  dropOldestPending: (channelId: string, kind: string, keep: number, reason: string) => Promise<unknown[]>;
  /** One background step: compose due digests, then start delivery of due messages. */
  tick(): Promise<void>;
  idle: () => Promise<void>;
}

function public_(c: StoredChannel): NotificationChannel {
  const { secretEnc: _s, createdBy: _c, ...rest } = c;
  return rest;
}

function range(v: number | undefined, def: number, min: number, max: number, path: string): number {
  const n = v ?? def;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ValidationError(`${path.slice(1).replace('/', '.')} must be a whole number from ${min} to ${max}`, {
      path,
    });
  return n;
}

export function createNotificationsService(d: NotificationsDeps): NotificationsService {
  const lastComposed = new Map<string, number>();

  const seal = (id: string, secret: string) => sealSecret(d.kek, id, secret);

  function settings(input: Partial<ChannelInput>, base: StoredChannel | null) {
    return {
      digest: {
        waitS: range(input.digest?.waitS, base?.digest.waitS ?? 10, 0, 3600, '/digest/waitS'),
        intervalS: range(input.digest?.intervalS, base?.digest.intervalS ?? 60, 0, 86_400, '/digest/intervalS'),
      },
      retry: {
        baseMs: range(input.retry?.baseMs, base?.retry.baseMs ?? 2000, 10, 600_000, '/retry/baseMs'),
        capMs: range(input.retry?.capMs, base?.retry.capMs ?? 600_000, 10, 86_400_000, '/retry/capMs'),
        maxAttempts: range(input.retry?.maxAttempts, base?.retry.maxAttempts ?? 12, 1, 100, '/retry/maxAttempts'),
      },
    };
  }

  function checkSecret(kind: ChannelKind, secret: string | undefined) {
    if (secret === undefined) return;
    if (kind === 'mqtt') throw new ValidationError('an MQTT channel has no secret', { path: '/secret' });
    if (kind === 'webhook' && (secret.length < 16 || secret.length > 256))
      throw new ValidationError('a webhook secret must be 16 to 256 characters', { path: '/secret' });
  }

  async function createChannel(actor: Actor, input: ChannelInput) {
    if (await d.channels.byName(input.name))
      throw new Conflict(`a channel named "${input.name}" exists`, { path: '/name' });
    const config = parseChannelConfig(input.kind, input.config);
    checkSecret(input.kind, input.secret);
    const id = newId('chn');
    // A webhook always signs; without a given key the hub makes one and shows it once.
    const secret = input.kind === 'webhook' ? (input.secret ?? `whsec_${newSecret()}`) : input.secret;
    const c: StoredChannel = {
      id,
      name: input.name,
      kind: input.kind,
      config,
      ...settings(input, null),
      enabled: input.enabled ?? true,
      hasSecret: secret !== undefined,
      createdAt: d.clock.now().toISOString(),
      secretEnc: secret !== undefined ? seal(id, secret) : null,
      createdBy: actor.id,
    };
    await d.channels.insert(c);
    await d.audit.record({
      actor,
      action: 'notification_channel.create',
      target: `notification_channel:${id}`,
      details: { name: c.name, kind: c.kind, ...destination(c) },
    });
    return { channel: public_(c), ...(input.kind === 'webhook' && input.secret === undefined ? { secret } : {}) };
  }

  /** Where a channel sends to, for the audit log (never its secret). */
  function destination(c: StoredChannel) {
    return c.kind === 'webhook'
      ? { url: c.config.url }
      : c.kind === 'email'
        ? { host: c.config.host, to: c.config.to }
        : { topic: c.config.topic };
  }

  async function mustChannel(id: string) {
    const c = await d.channels.get(id);
    if (!c) throw new NotFound('notification channel', id);
    return c;
  }

  async function updateChannel(
    actor: Actor,
    id: string,
    patch: Partial<Omit<ChannelInput, 'kind'>> & { rotateSecret?: boolean },
  ) {
    const base = await mustChannel(id);
    if (patch.name && patch.name !== base.name && (await d.channels.byName(patch.name)))
      throw new Conflict(`a channel named "${patch.name}" exists`, { path: '/name' });
    checkSecret(base.kind, patch.secret);
    let secret = patch.secret;
    if (patch.rotateSecret) {
      if (base.kind !== 'webhook')
        throw new ValidationError('only a webhook secret can be rotated', { path: '/rotateSecret' });
      secret = `whsec_${newSecret()}`;
    }
    const c: StoredChannel = {
      ...base,
      name: patch.name ?? base.name,
      config: patch.config ? parseChannelConfig(base.kind, patch.config) : base.config,
      ...settings(patch, base),
      enabled: patch.enabled ?? base.enabled,
      ...(secret !== undefined ? { secretEnc: seal(id, secret), hasSecret: true } : {}),
    };
    await d.channels.update(c);
    await d.audit.record({
      actor,
      action: 'notification_channel.update',
      target: `notification_channel:${id}`,
      details: { changed: Object.keys(patch).filter((k) => k !== 'secret'), secretChanged: secret !== undefined },
    });
    return { channel: public_(c), ...(patch.rotateSecret ? { secret } : {}) };
  }

  async function deleteChannel(actor: Actor, id: string) {
    const c = await mustChannel(id);
    await d.channels.remove(id);
    await d.outbox.dropChannel(id);
    await d.audit.record({
      actor,
      action: 'notification_channel.delete',
      target: `notification_channel:${id}`,
      details: { name: c.name },
    });
  }

  /**
   * Queues a message that does not come from alerts (a report, a test, an automation's notice) on a
   * channel, with the devices it is about (a device report's device; none for a test or a fleet report).
   */
  async function enqueue(
    channelId: string,
    kind: 'report' | 'test' | 'automation' | 'data',
    summary: string,
    body: MessageBody,
    deviceIds: readonly string[] = [],
  ) {
    await mustChannel(channelId);
    const id = newId('msg');
    await d.outbox.enqueue({ id, channelId, kind, summary, body, at: d.clock.now().toISOString(), deviceIds });
    void d.worker.kick(channelId);
    return id;
  }

  async function test(actor: Actor, id: string) {
    const c = await mustChannel(id);
    const at = d.clock.now().toISOString();
    const text = `Test notification from the Outpost hub to channel "${c.name}", requested by ${actor.id} at ${at}.`;
    const messageId = await enqueue(id, 'test', text, {
      json: { v: 1, type: 'test', createdAt: at, summary: text },
      email: { subject: '[Outpost] test notification', text, html: `<p>${text}</p>` },
    });
    await d.audit.record({
      actor,
      action: 'notification_channel.test',
      target: `notification_channel:${id}`,
      details: { messageId },
    });
    return { messageId };
  }

  async function retry(actor: Actor, messageId: string, devices: DeviceWhere | null = null) {
    if (!(await d.outbox.get(messageId, devices))) throw new NotFound('notification message', messageId);
    if (!(await d.outbox.requeue(messageId, d.clock.now().toISOString())))
      throw new Conflict('only a dead letter can be retried');
    await d.audit.record({ actor, action: 'notification.retry', target: `notification_message:${messageId}` });
    return d.outbox.get(messageId);
  }

  /** Folds collected alert changes into messages when a channel's digest window allows it. */
  async function compose(): Promise<string[]> {
    const now = d.clock.now().getTime();
    const composed: string[] = [];
    for (const p of await d.outbox.pendingIntentChannels()) {
      const c = await d.channels.get(p.channelId);
      if (!c) continue;
      if (now - Date.parse(p.oldest) < c.digest.waitS * 1000) continue;
      const last = lastComposed.get(c.id) ?? Date.parse((await d.outbox.lastMessageAt(c.id)) ?? '1970-01-01T00:00:00Z');
      if (now - last < c.digest.intervalS * 1000) continue;
      const at = new Date(now).toISOString();
      const id = await d.outbox.compose(c.id, MAX_INTENTS_PER_MESSAGE, at, (mid, items) =>
        composeAlerts(mid, at, items),
      );
      if (!id) continue;
      lastComposed.set(c.id, now);
      composed.push(c.id);
      void d.worker.kick(c.id);
    }
    return composed;
  }

  return {
    createChannel,
    updateChannel,
    deleteChannel,
    listChannels: async () => (await d.channels.list()).map(public_),
    getChannel: async (id: string) => public_(await mustChannel(id)),
    test,
    retry,
    enqueue,
    /** `devices`: the devices of a group-scoped reader (null = every message). */
    messages: (q: { channelId?: string; state?: string; limit?: number }, devices: DeviceWhere | null = null) =>
      d.outbox.list({ ...q, limit: Math.min(q.limit ?? 100, 1000), devices }),
    deadLetters: (devices: DeviceWhere | null = null, limit = 100) => d.outbox.list({ state: 'dead', limit, devices }),
    message: async (id: string, devices: DeviceWhere | null = null) => {
      const m = await d.outbox.get(id, devices);
      if (!m) throw new NotFound('notification message', id);
      return m;
    },
    async missingChannels(ids: string[]) {
      const known = new Set((await d.channels.list()).map((c) => c.id));
      return ids.filter((id) => !known.has(id));
    },
    async enabledChannelIds() {
      return new Set((await d.channels.list()).filter((c) => c.enabled).map((c) => c.id));
    },
    secretOf: (c: StoredChannel) => openSecret(d.kek, c),
    /** The kind of a channel, or null when there is none by that id. */
    channelKind: async (id: string) => (await d.channels.get(id))?.kind ?? null,
    /** Keeps at most `keep` pending `kind` messages on a channel (oldest become dead letters); the bodies dropped. */
    dropOldestPending: (channelId: string, kind: string, keep: number, reason: string) =>
      d.outbox.dropOldestPending(channelId, kind, keep, reason),
    /** One background step: compose due digests, then start delivery of due messages. */
    async tick() {
      await compose();
      await d.worker.tick();
    },
    idle: () => d.worker.idle(),
  };
}
