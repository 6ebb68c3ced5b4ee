import mqtt, { type IPublishPacket } from 'mqtt';
import type { Logger } from '../platform/logger.js';
import {
  BACKEND_RECEIVE_MAXIMUM,
  backendClientOptions,
  handleSideBySide,
  type BackendTls,
  type DeviceOrder,
} from './backend-client.js';

/**
 * How a replica that is gone hands its broker session to one that is not. Each replica's broker
 * session carries a will on `REPLICA_GONE_TOPIC` naming its client id: the broker publishes it when
 * the replica's connection ends without a clean goodbye (killed, machine lost: keepalive) and when
 * the replica stops on purpose (it disconnects "with will"). Every replica follows that topic; the
 * one that wins the takeover dials the broker with the gone replica's client id, which resumes its
 * session: the messages the broker had queued for it or sent without an acknowledgement are
 * delivered again, handled here, and acknowledged. The taker unsubscribes the session first (no
 * new messages are routed to it; the shared subscription's share goes to the replicas that are
 * up), waits until it is quiet, and closes it with a session expiry of zero, so the broker forgets
 * it at once.
 */
export const REPLICA_GONE_TOPIC = 'outpost/v1/hub/replica-gone';
/**
 * A replica's session outlives its connection this long: enough for the lone replica of a hub to
 * restart and drain what queued meanwhile. With other replicas up, a gone session is taken over
 * within moments instead; the expiry only bounds the case where no replica could take it.
 */
export const SESSION_EXPIRY_S = 300;
/** A gone message not delivered within this long is stale: the replica may be back by then. */
export const GONE_MESSAGE_EXPIRY_S = 60;
/** The broker notices a replica that vanished without closing its connection after 1.5 keepalives. */
export const KEEPALIVE_S = 15;
const QUIET_MS = 1000;
const MAX_DRAIN_MS = 60_000;

export interface GoneMessage {
  v: 1;
  clientId: string;
}

/** The will of a replica's session on one broker. */
export function replicaWill(clientId: string) {
  const payload: GoneMessage = { v: 1, clientId };
  return {
    topic: REPLICA_GONE_TOPIC,
    payload: Buffer.from(JSON.stringify(payload)),
    qos: 1 as const,
    retain: false,
    properties: { willDelayInterval: 0, messageExpiryInterval: GONE_MESSAGE_EXPIRY_S },
  };
}

/** The client id a gone message names, or null when it is not one. */
export function goneClientId(payload: Buffer): string | null {
  try {
    const m = JSON.parse(payload.toString('utf8')) as Partial<GoneMessage>;
    return m.v === 1 && typeof m.clientId === 'string' && m.clientId.length > 0 && m.clientId.length <= 200
      ? m.clientId
      : null;
  } catch {
    return null;
  }
}

export interface TakeoverOptions {
  backendUrl: string;
  tls: BackendTls;
  /** The gone replica's client id on this broker. */
  clientId: string;
  /** The topics the gone replica's session is subscribed to. */
  subscriptions: string[];
  /** Stores one message; it is acknowledged once this resolves. */
  handle(packet: IPublishPacket): Promise<void>;
  /** The order messages are handled in: each device's in turn, devices side by side. */
  order: DeviceOrder;
  logger: Logger;
}

export interface TakeoverResult {
  /** Whether the broker still held the session. */
  sessionPresent: boolean;
  /** Messages drained from it. */
  drained: number;
}

/** Resumes a gone replica's session, handles what it holds (side by side, as a live session) and ends it. */
export function takeOverSession(o: TakeoverOptions): Promise<TakeoverResult> {
  return new Promise((resolve, reject) => {
    let drained = 0;
    let lastMessageAt = Date.now();
    let sessionPresent = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    // Session expiry zero: when this connection ends, the broker deletes the session.
    const c = mqtt.connect(o.backendUrl, backendClientOptions({ clientId: o.clientId, tls: o.tls, sessionExpiryS: 0 }));
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      c.removeAllListeners('close');
      c.end(false, () => (err ? reject(err) : resolve({ sessionPresent, drained })));
    };
    const messages = handleSideBySide(c, {
      order: o.order,
      inHandMax: BACKEND_RECEIVE_MAXIMUM,
      handle: async (packet) => {
        lastMessageAt = Date.now();
        await o.handle(packet);
        drained++;
        lastMessageAt = Date.now();
      },
      failed: (err, topic) => {
        // Unacknowledged: the session keeps it; the next takeover or the expiry decides.
        o.logger.error({ err, topic }, 'a message of a gone replica could not be stored');
        if (settled) return;
        settled = true;
        clearInterval(timer);
        c.end(true);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    });
    c.once('connect', (ack) => {
      sessionPresent = ack.sessionPresent;
      if (!sessionPresent) return finish();
      c.unsubscribeAsync(o.subscriptions).then(
        () => {
          const startedAt = Date.now();
          timer = setInterval(() => {
            const quiet = messages.inHand() === 0 && Date.now() - lastMessageAt >= QUIET_MS;
            if (quiet || Date.now() - startedAt > MAX_DRAIN_MS) finish();
          }, 100);
        },
        (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
      );
    });
    // The replica came back and took its session itself, or the broker went away.
    c.on('close', () => finish(sessionPresent ? undefined : new Error('the broker closed the takeover connection')));
    c.on('error', (err) => o.logger.warn({ err: err.message, clientId: o.clientId }, 'session takeover link error'));
  });
}
