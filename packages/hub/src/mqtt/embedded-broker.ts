import { X509Certificate } from 'node:crypto';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { DEVICE_PUBLISH_SUFFIXES, HUB_PUBLISH_SUFFIXES, deviceTopic, parseDeviceTopic } from '@outpost/protocol';
import type { Logger } from '../platform/logger.js';
import type { HubMetrics } from '../platform/metrics.js';
import type { DeviceBus, DeviceTrafficSink } from '../platform/device-bus.js';
import {
  admitPeer,
  checkPeerCertificate,
  isExpiredOfOurs,
  PeerRefusal,
  type DeviceAdmission,
} from '../domains/enrollment/index.js';
import { meterPackets, pendingPerAddress, type GuardRefusal, type PacketLimits } from './connection-guard.js';

export interface BrokerOptions {
  bind: string;
  port: number;
  /** `ticketKey` seals TLS session tickets (48 bytes; see session-tickets.ts); `sessionTimeoutS` is how long a ticket resumes. */
  tls: { certPem: string; keyPem: string; caPem: string; ticketKey?: Buffer; sessionTimeoutS?: number };
  sink: DeviceTrafficSink;
  /** May this certificate serial connect as this device (known, not decommissioned, not revoked, not expired)? */
  admission: Pick<DeviceAdmission, 'admitDevice'>;
  onRefused(deviceId: string, reason: string, ip: string | null): void;
  /**
   * Integrators' clients (alert subscribers), admitted by certificates issued to them: null means
   * "not an integration certificate". They may subscribe to hub topics only, and never publish.
   */
  integrations?: {
    admit(clientId: string, certSerial: string): Promise<{ ok: true } | { ok: false; reason: string } | null>;
    maySubscribe(topic: string): boolean;
  };
  logger: Logger;
  metrics: HubMetrics;
  /** Bounds on what a peer can make the broker hold before and after it is admitted (defaults below). */
  limits?: Partial<ConnectionLimits>;
}

export interface ConnectionLimits {
  /** A TLS handshake not finished by then is dropped. */
  handshakeTimeoutMs: number;
  /** A connection that sent no CONNECT by then is dropped. */
  connectTimeoutMs: number;
  /** Connections from one address still in their handshake or before CONNECT. */
  pendingPerAddress: number;
  packets: PacketLimits;
}

// Devices behind one carrier NAT share an address, so the pending limit is per address and high;
// what keeps silent sockets from piling up is the deadlines.
export const DEFAULT_LIMITS: ConnectionLimits = {
  handshakeTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  pendingPerAddress: 256,
  // A CONNECT carries an id and a last will (a status message, 256 bytes); after it, the largest
  // device message (512 KiB of reported state) plus its topic.
  packets: { beforeConnect: 4 * 1024, afterConnect: 512 * 1024 + 1024 },
};

export interface EmbeddedBroker extends DeviceBus {
  port: number;
  publishHubTopic(topic: string, payload: string, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
  /** Seals new session tickets with this key; tickets sealed with the previous one no longer resume. */
  setTicketKey(key: Buffer): void;
  /** Serves a renewed server certificate to new connections; open ones keep theirs. */
  setServerCertificate(pair: { certPem: string; keyPem: string }): void;
  close(): Promise<void>;
}

const devicePublish = new Set<string>(DEVICE_PUBLISH_SUFFIXES);
const CONSUMED_TOPIC = '$outpost/consumed';
const hubPublish = new Set<string>(HUB_PUBLISH_SUFFIXES);

function refusal(message: string, returnCode: 2 | 5) {
  return Object.assign(new Error(message), { returnCode });
}

/**
 * The embedded MQTT broker: TLS with client certificates required, client id = certificate CN,
 * and each device confined to its own topics in the directions DESIGN.md gives.
 */
export async function startEmbeddedBroker(o: BrokerOptions): Promise<EmbeddedBroker> {
  const caCert = new X509Certificate(o.tls.caPem);
  const current = new Map<string, Client>();
  // Integrators' subscribers: not devices, so they stay out of presence and device counts.
  const integrationClients = new WeakSet<Client>();
  const integrationConns = new Map<string, Client>();
  // Devices whose open connection is being replaced by a newly admitted one (a renewed certificate,
  // a redial before the old link timed out). The broker closes the old connection before the new
  // one is ready; that close is a handover, not the device going away. Bounded by the fleet.
  const handovers = new Set<string>();
  // While the hub shuts down, dropped connections are the hub's doing, not the devices': their
  // presence stays as it was (a quick restart is not an outage of 10,000 devices) and their last
  // wills are not processed. Devices that do not come back are caught by the heartbeat timeout.
  let closing = false;
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const guardRefused = (reason: GuardRefusal, address: string | null) => {
    o.metrics.refusedConnections.inc({ reason });
    o.logger.debug({ reason, address }, 'device connection refused before admission');
  };
  const pending = pendingPerAddress(limits.pendingPerAddress, guardRefused);
  const meters = new WeakMap<TLSSocket, { connected(): void }>();
  const admitted = (sock: TLSSocket) => {
    meters.get(sock)?.connected();
    pending.authenticated(sock);
  };
  const aedes = await Aedes.createBroker({
    connectTimeout: limits.connectTimeoutMs,
    // A device has no business with deep topics; keep the parser's work bounded.
    maxTopicLevels: 8,
    maxClientsIdLength: 64,
    authenticate(client, _u, _p, done) {
      const sock = client.conn as TLSSocket;
      const ip = sock.remoteAddress ?? null;
      const refuse = (reason: string, code: 2 | 5) => {
        o.metrics.refusedConnections.inc({ reason });
        o.onRefused(client.id, reason, ip);
        done(refusal(reason, code), false);
      };
      o.metrics.deviceHandshakes.inc({ resumed: sock.isSessionReused?.() ? 'yes' : 'no' });
      // The same certificate checks as the relay's device leg (enrollment/peer-certificate.ts).
      const peer = checkPeerCertificate(sock, caCert, Date.now(), client.id);
      if (!peer.ok)
        return refuse(
          peer.reason === PeerRefusal.Missing ? PeerRefusal.NotTrusted : peer.reason,
          peer.reason === PeerRefusal.WrongId ? 2 : 5,
        );
      const check = async () => {
        const asIntegration =
          o.integrations && !peer.expired ? await o.integrations.admit(peer.deviceId, peer.serial) : null;
        if (asIntegration?.ok) integrationClients.add(client);
        return asIntegration ?? admitPeer(o.admission, peer);
      };
      check().then(
        (r) => {
          if (!r.ok) return refuse(r.reason, 5);
          admitted(sock);
          if (current.has(client.id)) handovers.add(client.id);
          done(null, true);
        },
        (err: unknown) => {
          o.logger.error({ err }, 'device admission check failed');
          refuse('admission_error', 5);
        },
      );
    },
    authorizePublish(client, packet, done) {
      if (!client) return done(null);
      if (integrationClients.has(client)) {
        o.onRefused(client.id, `publish_forbidden:${packet.topic.slice(0, 120)}`, null);
        return done(new Error('integration clients do not publish'));
      }
      if (closing) return done(new Error('hub shutting down'));
      const t = parseDeviceTopic(packet.topic);
      if (!t || t.deviceId !== client.id || !devicePublish.has(t.suffix)) {
        o.metrics.rejectedMessages.inc({ reason: 'topic_forbidden' });
        o.onRefused(client.id, `publish_forbidden:${packet.topic.slice(0, 120)}`, null);
        return done(new Error('publish not allowed on this topic'));
      }
      o.sink.onMessage(client.id, t.suffix, packet.payload as Buffer).then(
        () => {
          // The hub has consumed the message; nothing in the embedded broker subscribes to device→hub
          // topics, so route it to a one-word topic no one can subscribe to ("$" topics are never
          // matched by wildcards) and do not retain it. Saves topic matching on every message.
          packet.topic = CONSUMED_TOPIC;
          packet.retain = false;
          done(null);
        },
        (err: unknown) => {
          o.logger.error({ err, deviceId: client.id }, 'device message could not be stored');
          done(new Error('message not stored'));
        },
      );
    },
    authorizeSubscribe(client, sub, done) {
      if (integrationClients.has(client)) {
        if (o.integrations?.maySubscribe(sub.topic)) return done(null, sub);
        o.onRefused(client.id, `subscribe_forbidden:${sub.topic.slice(0, 120)}`, null);
        return done(null, null);
      }
      const t = sub.topic.startsWith('$') ? null : parseDeviceTopic(sub.topic);
      if (!t || t.deviceId !== client.id || !hubPublish.has(t.suffix)) {
        o.onRefused(client.id, `subscribe_forbidden:${sub.topic.slice(0, 120)}`, null);
        return done(null, null);
      }
      done(null, sub);
    },
  });

  aedes.on('clientReady', (client) => {
    if (integrationClients.has(client)) return void integrationConns.set(client.id, client);
    current.set(client.id, client);
    handovers.delete(client.id);
    o.metrics.connectedDevices.set(current.size);
    o.sink.onConnect(client.id, (client.conn as TLSSocket).remoteAddress ?? null);
  });
  aedes.on('clientDisconnect', (client) => {
    if (integrationClients.has(client)) {
      if (integrationConns.get(client.id) === client) integrationConns.delete(client.id);
      return;
    }
    // A second connection with the same id replaces the first; only the current one's end counts.
    if (current.get(client.id) !== client) return;
    current.delete(client.id);
    o.metrics.connectedDevices.set(current.size);
    if (handovers.has(client.id)) return;
    if (!closing) o.sink.onDisconnect(client.id);
  });
  aedes.on('clientError', (client, err) =>
    o.logger.debug({ deviceId: client.id, err: err.message }, 'mqtt client error'),
  );
  aedes.on('connectionError', (_client, err) => o.logger.debug({ err: err.message }, 'mqtt connection error'));

  let ticketKey = o.tls.ticketKey;
  const contextOptions = (pair: { certPem: string; keyPem: string }) => ({
    key: pair.keyPem,
    cert: pair.certPem,
    ca: o.tls.caPem,
    requestCert: true,
    // Checked per connection below instead: an expired certificate of ours must reach admission,
    // so the device and its record learn "certificate_expired" rather than a bare handshake failure.
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
    handshakeTimeout: limits.handshakeTimeoutMs,
    ...(ticketKey ? { ticketKeys: ticketKey } : {}),
    ...(o.tls.sessionTimeoutS ? { sessionTimeout: o.tls.sessionTimeoutS } : {}),
  });
  const server: Server = createServer(contextOptions(o.tls), (socket) => {
    // Fail closed: anything but a trusted certificate, or an expired one this CA signed, ends here.
    if (!socket.authorized && !isExpiredOfOurs(socket, caCert, Date.now())) {
      o.metrics.refusedConnections.inc({ reason: 'tls_handshake' });
      o.logger.debug({ err: String(socket.authorizationError) }, 'device TLS handshake refused');
      socket.destroy();
      return;
    }
    meters.set(
      socket,
      meterPackets(socket, limits.packets, (reason) => guardRefused(reason, socket.remoteAddress ?? null)),
    );
    aedes.handle(socket);
  });
  server.on('connection', (raw) => pending.opened(raw));
  server.on('tlsClientError', (err, socket) => {
    // Node reports a handshake timeout here but leaves the connection open: close it.
    socket.destroy();
    o.metrics.refusedConnections.inc({ reason: 'tls_handshake' });
    o.logger.debug({ err: err.message }, 'device TLS handshake refused');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.bind, () => resolve());
  });

  return {
    port: (server.address() as AddressInfo).port,
    setTicketKey: (key) => {
      ticketKey = key;
      server.setTicketKeys(key);
    },
    setServerCertificate: (pair) => {
      server.setSecureContext(contextOptions(pair));
    },
    publish(deviceId, suffix, payload, opts = {}) {
      const packet = {
        cmd: 'publish',
        topic: deviceTopic(deviceId, suffix),
        payload: Buffer.from(JSON.stringify(payload)),
        qos: opts.qos ?? 1,
        retain: opts.retain ?? false,
        dup: false,
      } as PublishPacket;
      return new Promise((resolve, reject) => aedes.publish(packet, (err) => (err ? reject(err) : resolve())));
    },
    publishHubTopic(topic, payload, opts) {
      // Only topics outside every device prefix; devices can never publish there (authorizePublish).
      if (parseDeviceTopic(topic)) return Promise.reject(new Error('a device topic is not a hub topic'));
      const packet = {
        cmd: 'publish',
        topic,
        payload: Buffer.from(payload),
        qos: opts.qos,
        retain: opts.retain ?? false,
        dup: false,
      } as PublishPacket;
      return new Promise((resolve, reject) => aedes.publish(packet, (err) => (err ? reject(err) : resolve())));
    },
    disconnect(deviceId) {
      current.get(deviceId)?.close();
      integrationConns.get(deviceId)?.close();
    },
    isConnected: (id) => current.has(id),
    connectedCount: () => current.size,
    async close() {
      closing = true;
      for (const c of current.values()) c.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
