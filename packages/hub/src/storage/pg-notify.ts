import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../platform/logger.js';
import type { ReplicaChannel } from '../platform/replica-channel.js';

// PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a batch stays well under it.
const MAX_PAYLOAD_BYTES = 7500;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5000;
// Messages waiting while the connection is down: the oldest go first past this bound.
const MAX_PENDING = 10_000;

export interface PgReplicaChannel extends ReplicaChannel {
  /** This replica's id, carried by each of its batches so it ignores its own. */
  readonly origin: string;
  /** Resolves once the first LISTEN is in place. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * A replica channel over PostgreSQL LISTEN/NOTIFY on a connection of its own. Messages published
 * in one event-loop turn go out as one NOTIFY (several when they exceed the payload bound), from
 * one connection, so the other replicas receive them in the order they were published. A lost
 * connection is dialled again with backoff; each reconnect tells the `onResync` listeners.
 */
export function startPgReplicaChannel(o: { url: string; channel: string; logger: Logger }): PgReplicaChannel {
  const origin = randomBytes(8).toString('hex');
  const handlers: Array<(m: unknown) => void> = [];
  const resyncs: Array<() => void> = [];
  let client: pg.Client | null = null;
  let connected = false;
  let closed = false;
  let pending: unknown[] = [];
  let flushQueued = false;
  let backoff = RECONNECT_MIN_MS;
  let retry: NodeJS.Timeout | null = null;
  let first = true;
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => (readyResolve = r));

  function onNotification(n: pg.Notification) {
    if (n.channel !== o.channel || !n.payload) return;
    let batch: { o?: unknown; m?: unknown };
    try {
      batch = JSON.parse(n.payload) as { o?: unknown; m?: unknown };
    } catch {
      return;
    }
    if (batch.o === origin || !Array.isArray(batch.m)) return;
    for (const m of batch.m)
      for (const h of handlers) {
        try {
          h(m);
        } catch (err) {
          o.logger.warn({ err }, 'replica message handler failed');
        }
      }
  }

  async function connect() {
    retry = null;
    if (closed) return;
    const c = new pg.Client({ connectionString: o.url, application_name: 'outpost-hub-events' });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    c.on('notification', onNotification);
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(o.channel)}`);
    } catch (err) {
      o.logger.warn({ err: (err as Error).message }, 'replica event channel: connection failed; retrying');
      lost(c);
      return;
    }
    if (closed) return void c.end().catch(() => undefined);
    client = c;
    connected = true;
    backoff = RECONNECT_MIN_MS;
    if (first) {
      first = false;
      readyResolve();
    } else {
      o.logger.info('replica event channel reconnected');
      for (const r of resyncs) r();
    }
    schedule();
  }

  function lost(c: pg.Client) {
    c.removeAllListeners('notification');
    void c.end().catch(() => undefined);
    if (client === c) {
      client = null;
      connected = false;
    }
    if (closed || retry || client) return;
    retry = setTimeout(() => void connect(), backoff);
    retry.unref();
    backoff = Math.min(RECONNECT_MAX_MS, backoff * 2);
  }

  function schedule() {
    if (flushQueued || pending.length === 0) return;
    flushQueued = true;
    setImmediate(flush);
  }

  function flush() {
    flushQueued = false;
    const c = client;
    if (!c || !connected) return;
    const out = pending;
    pending = [];
    for (const payload of batches(origin, out)) {
      c.query('SELECT pg_notify($1, $2)', [o.channel, payload]).catch((err: unknown) =>
        o.logger.warn({ err: (err as Error).message }, 'replica event not sent'),
      );
    }
  }

  void connect();
  return {
    origin,
    ready,
    publish(message) {
      if (closed) return;
      if (pending.length >= MAX_PENDING) pending.shift();
      pending.push(message);
      schedule();
    },
    subscribe: (h) => void handlers.push(h),
    onResync: (h) => void resyncs.push(h),
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = null;
      connected = false;
      await c?.end().catch(() => undefined);
    },
  };
}

/** Messages as NOTIFY payloads `{"o":origin,"m":[…]}`, each under the payload bound; an oversized message is left out. */
export function batches(origin: string, messages: unknown[]): string[] {
  const out: string[] = [];
  const head = `{"o":${JSON.stringify(origin)},"m":[`;
  let cur: string[] = [];
  let size = head.length + 2;
  for (const m of messages) {
    const text = JSON.stringify(m);
    if (text === undefined || Buffer.byteLength(text) + head.length + 2 > MAX_PAYLOAD_BYTES) continue;
    const bytes = Buffer.byteLength(text) + 1;
    if (cur.length > 0 && size + bytes > MAX_PAYLOAD_BYTES) {
      out.push(`${head}${cur.join(',')}]}`);
      cur = [];
      size = head.length + 2;
    }
    cur.push(text);
    size += bytes;
  }
  if (cur.length > 0) out.push(`${head}${cur.join(',')}]}`);
  return out;
}
