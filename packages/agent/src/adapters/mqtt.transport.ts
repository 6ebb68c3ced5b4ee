import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import mqtt, { type MqttClient } from 'mqtt';
import type { Transport, TransportFactory } from '../core/ports.js';

/** A transport factory whose device key and certificate can be replaced (after a renewal). */
export type MqttTransportFactory = TransportFactory & {
  /** Connections made from now on present this key and certificate; none resumes an older session. */
  useCredentials(c: { keyPem: string; certPem: string }): void;
  /** Connections made from now on trust these CAs (a trust bundle from the hub). */
  useTrust(caPem: string): void;
  /** Whether the next connection will offer a TLS session to resume (the hub's ticket has arrived). */
  hasSession(): boolean;
  /** Transports to another broker with the same identity, trusting `caPem` for that broker (a move on trial). */
  toBroker(url: string, caPem: string): TransportFactory;
  /** Connections made from now on go to this broker, trusting `caPem` (a move that succeeded). */
  useBroker(url: string, caPem: string): void;
  /** The broker connections go to now. */
  url(): string;
};

export interface MqttTransportOptions {
  url: string;
  deviceId: string;
  keyPem: string;
  certPem: string;
  caPem: string;
  keepaliveS?: number;
  connectTimeoutMs?: number;
}

/** What one connection may reuse from the previous ones: the parsed key and certificates, and a TLS session to resume. */
interface TlsReuse {
  secureContext: SecureContext;
  session?: Buffer;
  onSession(session: Buffer): void;
}

/**
 * Transports for one device identity. The key and certificates are parsed once (a fresh TLS
 * context per attempt costs more than the handshake), and each connection offers the session
 * ticket of the last one, so a reconnect after a dropped link resumes instead of repeating the
 * full certificate exchange. A hub that no longer knows the ticket simply does a full handshake.
 */
export function createMqttTransportFactory(o: MqttTransportOptions): MqttTransportFactory {
  let credentials = { keyPem: o.keyPem, certPem: o.certPem };
  let caPem = o.caPem;
  let url = o.url;
  let secureContext: SecureContext | null = null;
  let session: Buffer | undefined;
  const factory = () => {
    secureContext ??= createSecureContext({ key: credentials.keyPem, cert: credentials.certPem, ca: caPem });
    const context = secureContext;
    // A session from the old identity would resume with the old certificate: start afresh.
    return createMqttTransport(
      { ...o, url },
      {
        secureContext: context,
        session,
        onSession: (s) => {
          if (secureContext === context) session = s;
        },
      },
    );
  };
  return Object.assign(factory, {
    useCredentials(c: { keyPem: string; certPem: string }) {
      credentials = { ...c };
      secureContext = null;
      session = undefined;
    },
    useTrust(pem: string) {
      caPem = pem;
      secureContext = null;
      session = undefined;
    },
    hasSession: () => session !== undefined,
    toBroker(otherUrl: string, otherCaPem: string): TransportFactory {
      const context = createSecureContext({ key: credentials.keyPem, cert: credentials.certPem, ca: otherCaPem });
      return () => createMqttTransport({ ...o, url: otherUrl }, { secureContext: context, onSession: () => {} });
    },
    useBroker(nextUrl: string, nextCaPem: string) {
      url = nextUrl;
      caPem = nextCaPem;
      secureContext = null;
      session = undefined;
    },
    url: () => url,
  });
}

// How long a graceful end waits for the broker's acknowledgements before dropping the link.
const END_GRACE_MS = 3000;

/** A Transport over mqtt.js: MQTT 3.1.1, mutual TLS, the device id as client id. Connects once. */
function createMqttTransport(o: MqttTransportOptions, reuse: TlsReuse): Transport {
  let client: MqttClient | null = null;
  let messageHandler: (topic: string, payload: Buffer) => void = () => {};
  let closeHandler: (reason: string) => void = () => {};
  let closed = false;
  // Publishes waiting for their acknowledgement. This connection is never resumed (clean session,
  // no reconnect), so when it closes they are refused at once rather than left waiting forever.
  const unacknowledged = new Set<(err: Error) => void>();

  function fireClose(reason: string) {
    if (closed) return;
    closed = true;
    for (const refuse of unacknowledged) refuse(new Error(`connection closed before the hub acknowledged (${reason})`));
    unacknowledged.clear();
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
          // Passed through to tls.connect; mqtt.js's option type does not list them.
          ...{ secureContext: reuse.secureContext, session: reuse.session },
          rejectUnauthorized: true,
          // mqtt-packet otherwise fills a cache of 65,536 two-byte Buffers (about 6 MB of heap) on
          // the first write: most of a device agent's heap, to save one small allocation per packet.
          writeCache: false,
          will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
        });
        client = c;
        (c.stream as TLSSocket | undefined)?.on('session', (s: Buffer) => reuse.onSession(s));
        let connected = false;
        c.on('connect', () => {
          connected = true;
          resolve();
        });
        c.on('message', (topic, payload) => messageHandler(topic, payload));
        c.on('error', (err) => {
          if (!connected) reject(explainTrustError(err));
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
        if (!client || closed) return reject(new Error('not connected'));
        unacknowledged.add(reject);
        client.publish(topic, payload, { qos: opts.qos, retain: opts.retain ?? false }, (err) => {
          unacknowledged.delete(reject);
          if (err) reject(err);
          else resolve();
        });
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
        // mqtt.js ends gracefully only once every QoS 1 publish in flight is acknowledged, and keeps
        // them when the link closes (for a resend this clean, non-reconnecting session never makes).
        // A hub that stopped before acknowledging a report would hold this end, and the agent
        // stopping for a firmware reboot, for ever: a link already closed is just dropped, and a
        // graceful end that gets no answer is cut after a grace period.
        if (closed) {
          c.end(true);
          return resolve();
        }
        if (clean) {
          const grace = setTimeout(() => {
            c.stream?.destroy();
            resolve();
          }, END_GRACE_MS);
          c.end(false, {}, () => {
            clearTimeout(grace);
            resolve();
          });
        } else {
          // Drop the socket without DISCONNECT, so the broker publishes the last will.
          c.stream?.destroy();
          c.end(true, {}, () => resolve());
        }
      });
    },
  };
}

// OpenSSL's codes for a server certificate no trusted CA signed.
const UNTRUSTED_SERVER = new Set([
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/**
 * A hub certificate from a CA this device does not trust most often means the hub rotated its CA
 * while the device was away and retired the one the device knows: say so, and what helps.
 */
export function explainTrustError(err: Error): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (!code || !UNTRUSTED_SERVER.has(code)) return err;
  return Object.assign(
    new Error(
      `the hub's certificate is not from a CA this device trusts (${code}): if the hub rotated its CA while this ` +
        'device was offline and has retired the CA it knows, enroll this device again with a fresh enrollment ' +
        'token (outpost agent enroll --token …)',
    ),
    { code },
  );
}
