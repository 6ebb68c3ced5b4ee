import type { IClientOptions, IPublishPacket, MqttClient } from 'mqtt';
import { parseDeviceTopic } from '@outpost/protocol';
import { MAX_PACKET_BYTES } from './mosquitto-config.js';

/** The backend client certificate (CN Outpost-Hub) and the CAs that sign the brokers' server certificates. */
export interface BackendTls {
  certPem: string;
  keyPem: string;
  caPem: string;
}

export interface BackendSession {
  clientId: string;
  tls: BackendTls;
  /** How long the broker keeps the session once the connection ends (0: forgotten at once). */
  sessionExpiryS: number;
  keepaliveS?: number;
  will?: IClientOptions['will'];
}

/** Messages the broker may send the hub's backend client before it acknowledges one. */
export const BACKEND_RECEIVE_MAXIMUM = 256;

/**
 * The options of a hub backend client on a broker: MQTT 5, mutual TLS, a session the broker keeps
 * across connections (`clean: false`), and no reconnects of mqtt.js's own (the caller redials).
 */
export function backendClientOptions(s: BackendSession): IClientOptions {
  return {
    protocolVersion: 5,
    clientId: s.clientId,
    clean: false,
    key: s.tls.keyPem,
    cert: s.tls.certPem,
    ca: s.tls.caPem,
    rejectUnauthorized: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...(s.keepaliveS === undefined ? {} : { keepalive: s.keepaliveS }),
    ...(s.will ? { will: s.will } : {}),
    properties: {
      sessionExpiryInterval: s.sessionExpiryS,
      maximumPacketSize: MAX_PACKET_BYTES,
      receiveMaximum: BACKEND_RECEIVE_MAXIMUM,
    },
  };
}

/** Runs work so that each device's messages are handled in the order they came. */
export type DeviceOrder = (topic: string, work: () => Promise<void>) => Promise<void>;

/**
 * Each device's messages are handled in the order they came, as on the embedded broker; messages of
 * different devices are handled side by side. Bounded by the devices with a message in hand.
 */
export function deviceOrder(): DeviceOrder {
  const deviceTails = new Map<string, Promise<void>>();
  return (topic, work) => {
    const deviceId = parseDeviceTopic(topic)?.deviceId ?? '';
    const next = (deviceTails.get(deviceId) ?? Promise.resolve()).then(work);
    const tail = next.catch(() => undefined);
    deviceTails.set(deviceId, tail);
    void tail.then(() => {
      if (deviceTails.get(deviceId) === tail) deviceTails.delete(deviceId);
    });
    return next;
  };
}

export interface SideBySideOptions {
  /** Stores one message; its PUBACK is sent once this resolves. */
  handle(packet: IPublishPacket): Promise<void>;
  /** The order messages are handled in (shared by every session of a replica). */
  order: DeviceOrder;
  /** A message could not be stored: it stays unacknowledged, for the broker to deliver again. */
  failed(err: unknown, topic: string): void;
  /** Messages in hand at once; past it the next one is read only when one of them is done. */
  inHandMax: number;
}

/**
 * Handles a backend client's messages side by side. mqtt.js hands over one message at a time and
 * reads the next only once the PUBACK of this one is sent. Waiting there for the message to be
 * stored would let one message (and one group commit) through at a time for every device on the
 * broker. So the work starts at once and the next message is read, while this one's PUBACK waits
 * until it is stored (deferredAcks): the broker's receive maximum bounds the messages in hand, and
 * a crash leaves the unstored ones unacknowledged, to be delivered again.
 */
export function handleSideBySide(c: MqttClient, o: SideBySideOptions): { inHand(): number } {
  const acks = deferredAcks(c, o.failed);
  // QoS 0 messages are outside the receive maximum: past inHandMax messages in hand, the next one
  // is read only when one of them is done, so the socket pushes back on the broker.
  let inHand = 0;
  let resume: (() => void) | null = null;
  c.handleMessage = (packet, done) => {
    inHand++;
    const stored = o.order(packet.topic, () => o.handle(packet));
    acks.hold(packet, stored);
    void stored
      .catch(() => undefined)
      .then(() => {
        inHand--;
        const next = resume;
        resume = null;
        next?.();
      });
    if (inHand < o.inHandMax) done();
    else resume = done;
  };
  return { inHand: () => inHand };
}

/**
 * PUBACKs that wait for their message to be stored. mqtt.js sends a QoS 1 message's PUBACK as soon as
 * `handleMessage` calls back; this holds that PUBACK (by packet id) until `stored` settles: sent when
 * it resolves, never sent when it fails (`failed` runs instead, and the broker delivers it again).
 */
function deferredAcks(c: MqttClient, failed: (err: unknown, topic: string) => void) {
  const pending = new Map<number, Promise<void>>();
  type Send = (packet: { cmd: string; messageId?: number }, cb?: () => void) => void;
  const client = c as unknown as { _sendPacket: Send };
  const send = client._sendPacket.bind(c);
  client._sendPacket = (packet, cb) => {
    const stored = packet.cmd === 'puback' && packet.messageId !== undefined && pending.get(packet.messageId);
    if (!stored) return send(packet, cb);
    pending.delete(packet.messageId!);
    stored.then(
      () => send(packet),
      () => undefined,
    );
    // The reading goes on at once; only the acknowledgement waits.
    cb?.();
  };
  return {
    hold(packet: IPublishPacket, stored: Promise<void>) {
      stored.catch((err: unknown) => failed(err, packet.topic));
      if (packet.qos === 1 && packet.messageId !== undefined) pending.set(packet.messageId, stored);
    },
  };
}
