import { X509Certificate, constants } from 'node:crypto';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { writeToStream } from 'mqtt-packet';
import {
  CertRefusal,
  DEVICE_PUBLISH_SUFFIXES,
  HUB_PUBLISH_SUFFIXES,
  INTEGRATION_CLIENT_PREFIX,
  deviceTopic,
  parseDeviceTopic,
  isValidDeviceId,
} from '@outpost/protocol';
import type { Logger } from '../platform/logger.js';
import { normalizeSerial } from '../platform/ids.js';
import type { HubMetrics } from '../platform/metrics.js';
import type { DeviceBus, DeviceTrafficSink } from '../platform/device-bus.js';
import { compactAdmitted, forgetConnectPacket, leanConnection } from './lean-connection.js';
import { packetMeters, pendingPerAddress, type GuardRefusal, type PacketLimits } from './connection-guard.js';
import { indexRetained, type RetainedStore } from './retained-index.js';
import { gateHandshakes } from './handshake-gate.js';

export interface BrokerOptions {
  bind: string;
  port: number;
  /**
   * `caPem`: every CA whose device certificates are trusted (the CA set's trusted CAs);
   * `retiredCaPems`: CAs no longer trusted, so their devices are refused with the reason.
   * `ticketKey` seals TLS session tickets (48 bytes; see session-tickets.ts); `sessionTimeoutS` is how long a ticket resumes.
   */
  tls: {
    certPem: string;
    keyPem: string;
    caPem: string;
    retiredCaPems?: string[];
    ticketKey?: Buffer;
    /** false: no TLS session tickets, so no resumption (see noTickets below); default true. */
    sessionTickets?: boolean;
    sessionTimeoutS?: number;
  };
  sink: DeviceTrafficSink;
  /** May this certificate serial connect as this device (known, not decommissioned, not revoked)? */
  admit(deviceId: string, certSerial: string): Promise<{ ok: true } | { ok: false; reason: string }>;
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
  /** TLS handshakes run side by side; further connections wait their turn (handshake-gate.ts). */
  concurrentHandshakes: number;
  packets: PacketLimits;
}

// Devices behind one carrier NAT share an address, so the pending limit is per address and high;
// what keeps silent sockets from piling up is the deadlines.
export const DEFAULT_LIMITS: ConnectionLimits = {
  handshakeTimeoutMs: 10_000,
  connectTimeoutMs: 10_000,
  pendingPerAddress: 256,
  // About 1.6 ms of hub CPU each: 64 at a time keep a core busy and each one short.
  concurrentHandshakes: 64,
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
  /** Trusts these CAs for new connections (after a CA rotation or retirement). */
  setTrust(t: { caPem: string; retiredCaPems: string[] }): void;
  close(): Promise<void>;
}

// Without tickets OpenSSL answers with a bare session id that nothing stores (Node keeps no
// server session cache), so a returning device makes a full handshake. Each connection then holds
// about 15 KB less: measured with a bare Node TLS server, 2,000 devices, 57.1 against 42.0 KB.
const noTickets = { secureOptions: constants.SSL_OP_NO_TICKET };
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
  // The packet writer's default is a table of 65,536 two-byte buffers for packet ids and lengths,
  // built at the first packet sent: about 7 MB of heap to save one small allocation per number.
  writeToStream.cacheNumbers = false;
  let trust = trustOf(o.tls.caPem, o.tls.retiredCaPems ?? []);
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
  const meters = packetMeters(limits.packets, (reason, socket) => guardRefused(reason, socket.remoteAddress ?? null));
  const admitted = (sock: TLSSocket) => {
    meters.connected(sock);
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
      const leaf = peerIdentity(sock);
      const cn = leaf ? commonName(leaf.subject) : undefined;
      const refuse = (reason: string, code: 2 | 5) => {
        o.metrics.refusedConnections.inc({ reason });
        o.onRefused(client.id, reason, ip);
        done(refusal(reason, code), false);
      };
      o.metrics.deviceHandshakes.inc({ resumed: sock.isSessionReused?.() ? 'yes' : 'no' });
      const expired = !sock.authorized && isExpiredOfOurs(sock, trust.cas);
      const retired = !sock.authorized && !expired && isOfRetiredCa(sock, trust.retired);
      if ((!sock.authorized && !expired && !retired) || !leaf?.serialNumber)
        return refuse('certificate_not_trusted', 5);
      if (!isValidDeviceId(client.id) || cn !== client.id) return refuse('client_id_not_certificate_cn', 2);
      const serial = normalizeSerial(leaf.serialNumber);
      const check = async () => {
        if (retired) {
          // Never admitted; asking admission keeps the refusal on the device's record.
          await o.admit(client.id, serial);
          return { ok: false as const, reason: CertRefusal.CaRetired };
        }
        if (expired) {
          // Let admission name a more telling reason (revoked, unknown) and record the refusal on the device.
          const r = await o.admit(client.id, serial);
          return r.ok ? { ok: false as const, reason: 'certificate_expired' } : r;
        }
        // Device ids can never start with the integrations' prefix (enrollment reserves it): a
        // device's admission skips the integrations' lookup.
        const asIntegration =
          o.integrations && client.id.startsWith(INTEGRATION_CLIENT_PREFIX)
            ? await o.integrations.admit(client.id, serial)
            : null;
        if (asIntegration?.ok) integrationClients.add(client);
        return asIntegration ?? o.admit(client.id, serial);
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

  // Retained messages by topic: a device's SUBSCRIBE no longer tests every retained topic.
  indexRetained((aedes as unknown as { persistence: RetainedStore }).persistence);

  aedes.on('clientReady', (client) => {
    forgetConnectPacket(client);
    compactAdmitted(client);
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
  let served = { certPem: o.tls.certPem, keyPem: o.tls.keyPem };
  const contextOptions = (pair: { certPem: string; keyPem: string }) => ({
    key: pair.keyPem,
    cert: pair.certPem,
    ca: trust.caPem,
    requestCert: true,
    // Checked per connection below instead: an expired certificate of ours must reach admission,
    // so the device and its record learn "certificate_expired" rather than a bare handshake failure.
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
    handshakeTimeout: limits.handshakeTimeoutMs,
    ...(o.tls.sessionTickets === false ? noTickets : ticketKey ? { ticketKeys: ticketKey } : {}),
    ...(o.tls.sessionTimeoutS ? { sessionTimeout: o.tls.sessionTimeoutS } : {}),
  });
  const server: Server = createServer(contextOptions(o.tls), (socket) => {
    // Fail closed: anything but a trusted certificate, an expired one a trusted CA signed, or one of
    // a retired CA (refused below with its reason), ends here.
    if (!socket.authorized && !isExpiredOfOurs(socket, trust.cas) && !isOfRetiredCa(socket, trust.retired)) {
      o.metrics.refusedConnections.inc({ reason: 'tls_handshake' });
      o.logger.debug({ err: String(socket.authorizationError) }, 'device TLS handshake refused');
      socket.destroy();
      return;
    }
    meters.meter(socket);
    leanConnection(socket, aedes.handle(socket));
  });
  // Connections are counted per address before they wait for their turn to handshake.
  const listener = gateHandshakes(server, limits.concurrentHandshakes, (raw) => pending.opened(raw));
  server.on('tlsClientError', (err, socket) => {
    // Node reports a handshake timeout here but leaves the connection open: close it.
    socket.destroy();
    o.metrics.refusedConnections.inc({ reason: 'tls_handshake' });
    o.logger.debug({ err: err.message }, 'device TLS handshake refused');
  });
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(o.port, o.bind, () => resolve());
  });

  return {
    port: (listener.address() as AddressInfo).port,
    setTicketKey: (key) => {
      ticketKey = key;
      server.setTicketKeys(key);
    },
    setServerCertificate: (pair) => {
      served = { ...pair };
      server.setSecureContext(contextOptions(served));
    },
    setTrust: (t) => {
      trust = trustOf(t.caPem, t.retiredCaPems);
      server.setSecureContext(contextOptions(served));
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
      await new Promise<void>((resolve) => listener.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

interface Trust {
  caPem: string;
  cas: X509Certificate[];
  retired: X509Certificate[];
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function trustOf(caPem: string, retiredCaPems: string[]): Trust {
  const parse = (pem: string) => (pem.match(PEM_CERT) ?? []).map((p) => new X509Certificate(p));
  const cas = parse(caPem);
  if (cas.length === 0) throw new Error('the broker needs at least one trusted CA');
  return { caPem, cas, retired: retiredCaPems.flatMap(parse) };
}

function peerLeaf(sock: TLSSocket): X509Certificate | null {
  try {
    return sock.getPeerX509Certificate?.() ?? null;
  } catch {
    return null;
  }
}

/**
 * The peer certificate's subject and serial, read on every admission. Node's plain-object form costs
 * half of the X509Certificate form here (about 110 against 210 µs measured): Node builds an
 * X509Certificate of the peer with a re-parsed copy of its issuer.
 */
function peerIdentity(sock: TLSSocket): { subject: Record<string, unknown>; serialNumber: string } | null {
  try {
    const c = sock.getPeerCertificate?.();
    return c?.serialNumber && c.subject
      ? { subject: c.subject as Record<string, unknown>, serialNumber: c.serialNumber }
      : null;
  } catch {
    return null;
  }
}

/** The CN of a subject as Node gives it (several values of one key as an array); undefined when there is none or several. */
export function commonName(subject: Record<string, unknown>): string | undefined {
  const cn = subject.CN;
  return typeof cn === 'string' ? cn : undefined;
}

const signedBy = (leaf: X509Certificate, ca: X509Certificate) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey);

/**
 * True when the peer's only fault is that its certificate expired and that certificate is signed
 * by one of our trusted CAs. OpenSSL reports the last verification error, so the signature is checked here too.
 */
function isExpiredOfOurs(sock: TLSSocket, cas: X509Certificate[]): boolean {
  if ((sock.authorizationError as unknown as string | undefined) !== 'CERT_HAS_EXPIRED') return false;
  const leaf = peerLeaf(sock);
  return !!leaf && cas.some((ca) => signedBy(leaf, ca)) && Date.parse(leaf.validTo) <= Date.now();
}

/** True when the peer's certificate is signed by a CA the hub retired (checked by signature, not by name). */
function isOfRetiredCa(sock: TLSSocket, retired: X509Certificate[]): boolean {
  if (retired.length === 0) return false;
  const leaf = peerLeaf(sock);
  return !!leaf && retired.some((ca) => signedBy(leaf, ca));
}
