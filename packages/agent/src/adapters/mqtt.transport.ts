import mqtt, { type MqttClient } from 'mqtt';
import type { Transport } from '../core/ports.js';

export interface MqttTransportOptions {
  url: string;
  deviceId: string;
  keyPem: string;
  certPem: string;
  caPem: string;
  keepaliveS?: number;
  connectTimeoutMs?: number;
}

/** A Transport over mqtt.js: MQTT 3.1.1, mutual TLS, the device id as client id. Connects once. */
export function createMqttTransport(o: MqttTransportOptions): Transport {
  let client: MqttClient | null = null;
  let messageHandler: (topic: string, payload: Buffer) => void = () => {};
  let closeHandler: (reason: string) => void = () => {};
  let closed = false;

  function fireClose(reason: string) {
    if (closed) return;
    closed = true;
    closeHandler(reason);
  }

  return {
    connect({ will }) {
      return new Promise((resolve, reject) => {
        const c = mqtt.connect(o.url, {
          clientId: o.deviceId,
          protocolVersion: 4,
          clean: true,
          keepalive: o.keepaliveS ?? 30,
          reconnectPeriod: 0,
          // Generous: during a reconnect storm the hub answers late, and a give-up costs a whole new handshake.
          connectTimeout: o.connectTimeoutMs ?? 45_000,
          key: o.keyPem,
          cert: o.certPem,
          ca: o.caPem,
          rejectUnauthorized: true,
          will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
        });
        client = c;
        let connected = false;
        c.on('connect', () => {
          connected = true;
          resolve();
        });
        c.on('message', (topic, payload) => messageHandler(topic, payload));
        c.on('error', (err) => {
          if (!connected) reject(err);
        });
        // A refused certificate shows up only as `close` before `connect`.
        c.on('close', () => {
          if (!connected) reject(new Error('connection closed before the hub accepted it'));
          fireClose('connection closed');
        });
      });
    },
    publish(topic, payload, opts) {
      return new Promise((resolve, reject) => {
        if (!client) return reject(new Error('not connected'));
        client.publish(topic, payload, { qos: opts.qos, retain: opts.retain ?? false }, (err) => (err ? reject(err) : resolve()));
      });
    },
    subscribe(topics) {
      return new Promise((resolve, reject) => {
        if (!client) return reject(new Error('not connected'));
        client.subscribe(topics, { qos: 1 }, (err, granted) => {
          if (err) return reject(err);
          const refused = granted?.find((g) => g.qos === 128);
          return refused ? reject(new Error(`subscription refused: ${refused.topic}`)) : resolve();
        });
      });
    },
    onMessage(h) {
      messageHandler = h;
    },
    onClose(h) {
      closeHandler = h;
    },
    end(clean) {
      return new Promise((resolve) => {
        const c = client;
        if (!c) return resolve();
        if (clean) c.end(false, {}, () => resolve());
        else {
          // Drop the socket without DISCONNECT, so the broker publishes the last will.
          c.stream?.destroy();
          c.end(true, {}, () => resolve());
        }
      });
    },
  };
}
