import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient, type IPublishPacket } from 'mqtt';
import { DEVICE_PUBLISH_SUFFIXES, backoffDelay, deviceTopic, parseDeviceTopic } from '@outpost/protocol';
import type { Logger } from '../platform/logger.js';
import type { HubMetrics } from '../platform/metrics.js';
import type { DeviceBus, DeviceTrafficSink } from '../platform/device-bus.js';
import { SHARE_GROUP } from './mosquitto-config.js';
import { backendClientOptions, deviceOrder, handleSideBySide, type BackendTls } from './backend-client.js';
import { deviceFacingUrl, type BrokerEndpoint } from './broker-endpoints.js';
import {
  KEEPALIVE_S,
  REPLICA_GONE_TOPIC,
  SESSION_EXPIRY_S,
  goneClientId,
  replicaWill,
  takeOverSession,
} from './broker-session-takeover.js';

export interface ExternalBrokersOptions {
  brokers: BrokerEndpoint[];
  tls: BackendTls;
  /** Stable per hub replica: the broker keeps its session (and queued messages) across reconnects. */
  clientId: string;
  /**
   * Runs `work` unless another replica runs work of that name now (the job gate): one replica
   * takes over a gone replica's session. Without it, this replica does.
   */
  exclusive?: (name: string, work: () => Promise<void>) => Promise<void>;
  sink: DeviceTrafficSink;
  /** Runs before a session is dropped: the brokers must refuse a revoked certificate before it can redial. */
  beforeDrop?: () => Promise<void>;
  logger: Logger;
  metrics: HubMetrics;
  /** The broker a device was last moved to (device-facing URL): used until the device is heard from. */
  homeOf?: (deviceId: string) => string | null;
  /** Reconnect delays (the shared backoff); tests shorten them. */
  backoff?: { baseMs: number; capMs: number };
}

export interface ExternalBrokers extends DeviceBus {
  /** The device-facing URL of the broker the device was last seen on (null: not seen since the hub started). */
  brokerOf(deviceId: string): string | null;
  /** Resolves once every broker accepted the hub's subscriptions at least once. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Device messages a replica works on at once per broker (they share group commits). */
const IN_HAND_MAX = 512;
const consumed = DEVICE_PUBLISH_SUFFIXES.filter((s) => s !== 'status');
/** What a replica's session subscribes to: presence (every replica), device messages (shared), gone replicas. */
const SESSION_SUBSCRIPTIONS: Record<string, { qos: 0 | 1 }> = {
  [`outpost/v1/d/+/status`]: { qos: 1 },
  ...Object.fromEntries(consumed.map((s) => [`$share/${SHARE_GROUP}/outpost/v1/d/+/${s}`, { qos: 1 as const }])),
  [REPLICA_GONE_TOPIC]: { qos: 1 },
};
const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
// A dropped session is checked again after this long: a device that redialled in the moment between
// the broker reloading its revocation list and the drop is dropped again.
const REDROP_AFTER_MS = 1500;

/**
 * The hub as a backend client of one or more external MQTT 5 brokers. Device messages arrive through
 * the shared subscription `$share/outpost-hub/...`, so each is handled by one hub replica; presence
 * comes from the devices' retained `status` (birth and last will), which every replica follows
 * (plain subscription) to know which device is online on which broker.
 */
export function startExternalBrokers(o: ExternalBrokersOptions): ExternalBrokers {
  // Which broker each online device is on; bounded by the fleet.
  const where = new Map<string, number>();
  let closing = false;
  const timers = new Set<NodeJS.Timeout>();

  function connectBroker(endpoint: BrokerEndpoint, index: number) {
    let retry = 0;
    let client: MqttClient | null = null;
    let readyResolve!: () => void;
    const ready = new Promise<void>((r) => (readyResolve = r));
    const dial = () => {
      if (closing) return;
      const c = mqtt.connect(
        endpoint.backendUrl,
        backendClientOptions({
          clientId: sessionId(index),
          tls: o.tls,
          sessionExpiryS: SESSION_EXPIRY_S,
          keepaliveS: KEEPALIVE_S,
          will: replicaWill(sessionId(index)),
        }),
      );
      client = c;
      handleSideBySide(c, {
        handle: (packet) => handle(index, packet),
        order,
        inHandMax: IN_HAND_MAX,
        failed: (err, topic) => {
          o.logger.error({ err, topic }, 'device message from the broker could not be stored');
          // No PUBACK: the broker delivers it again after the reconnect.
          c.end(true);
        },
      });
      c.on('connect', (ack) => {
        retry = 0;
        o.logger.info({ broker: endpoint.backendUrl, sessionPresent: ack.sessionPresent }, 'connected to broker');
        c.subscribeAsync(SESSION_SUBSCRIPTIONS).then(
          (granted) => {
            const refused = granted.filter((g) => g.qos > 2);
            if (refused.length > 0)
              o.logger.error({ broker: endpoint.backendUrl, refused: refused.map((g) => g.topic) }, 'broker refused');
            else readyResolve();
          },
          (err: unknown) => o.logger.error({ err, broker: endpoint.backendUrl }, 'subscribing on the broker failed'),
        );
      });
      c.on('error', (err) => o.logger.warn({ broker: endpoint.backendUrl, err: err.message }, 'broker link error'));
      c.on('close', () => {
        // Devices on a broker the hub cannot see keep their presence; the heartbeat timeout decides.
        if (closing) return;
        const delay = backoffDelay(retry++, { ...(o.backoff ?? { baseMs: 500, capMs: 30_000 }), jitter: 'equal' });
        const t = setTimeout(() => {
          timers.delete(t);
          c.removeAllListeners();
          c.end(true);
          dial();
        }, delay);
        timers.add(t);
      });
    };
    dial();
    return {
      endpoint,
      ready,
      get client() {
        return client;
      },
    };
  }

  const sessionId = (index: number) => `${o.clientId}.${index}`;
  const takingOver = new Set<string>();

  /** Another replica's session on this broker ended: one replica drains it and ends it. */
  function onGone(index: number, payload: Buffer) {
    const id = goneClientId(payload);
    // A replica restarted under the same id hears the will of its former self: its session is its own.
    if (!id || id === sessionId(index) || takingOver.has(id) || closing) return;
    takingOver.add(id);
    const endpoint = o.brokers[index];
    const work = async () => {
      const startedAt = Date.now();
      const r = await takeOverSession({
        backendUrl: endpoint.backendUrl,
        tls: o.tls,
        clientId: id,
        subscriptions: Object.keys(SESSION_SUBSCRIPTIONS),
        handle: (packet) => handle(index, packet),
        order,
        logger: o.logger,
      });
      o.logger.info(
        { broker: endpoint.backendUrl, clientId: id, ...r, tookMs: Date.now() - startedAt },
        'took over the broker session of a gone replica',
      );
    };
    (o.exclusive ? o.exclusive(`broker-takeover:${index}:${id}`, work) : work())
      .catch((err: unknown) => o.logger.error({ err, clientId: id }, 'taking over a gone replica session failed'))
      .finally(() => takingOver.delete(id));
  }

  // Each device's messages in the order they came, across this replica's sessions and takeovers.
  const order = deviceOrder();

  async function handle(index: number, packet: IPublishPacket): Promise<void> {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (packet.topic === REPLICA_GONE_TOPIC) return onGone(index, payload);
    const t = parseDeviceTopic(packet.topic);
    if (!t || !(DEVICE_PUBLISH_SUFFIXES as readonly string[]).includes(t.suffix)) return;
    if (t.suffix === 'status') return onStatus(index, t.deviceId, payload, packet.retain);
    // A device heard from is on this broker (a shared subscription may bring it to this replica
    // before its status did).
    if (!where.has(t.deviceId)) {
      where.set(t.deviceId, index);
      o.metrics.connectedDevices.set(where.size);
      o.sink.onConnect(t.deviceId, null);
    } else where.set(t.deviceId, index);
    await o.sink.onMessage(t.deviceId, t.suffix, payload);
  }

  async function onStatus(index: number, deviceId: string, payload: Buffer, retained: boolean): Promise<void> {
    // A device that moved to another broker clears its retained status on the one it left.
    if (payload.length === 0) return;
    let state: unknown;
    try {
      state = (JSON.parse(payload.toString('utf8')) as { state?: unknown }).state;
    } catch {
      state = undefined;
    }
    if (state === 'online') {
      if (!where.has(deviceId)) o.sink.onConnect(deviceId, null);
      where.set(deviceId, index);
      o.metrics.connectedDevices.set(where.size);
      // Validated and turned into presence by the gateway. A retained birth (the hub reconnected)
      // announces the device again, which is what it is: online.
      await o.sink.onMessage(deviceId, 'status', payload);
    } else if (state === 'offline') {
      // A will from a broker the device already left (it moved) is not its end.
      if (where.get(deviceId) !== index && where.has(deviceId)) return;
      if (retained && !where.has(deviceId)) return;
      where.delete(deviceId);
      o.metrics.connectedDevices.set(where.size);
      o.sink.onDisconnect(deviceId);
    } else await o.sink.onMessage(deviceId, 'status', payload);
  }

  const homeIndexOf = (deviceId: string) => {
    const home = o.homeOf?.(deviceId);
    const i = home ? o.brokers.findIndex((b) => b.deviceUrl === home) : -1;
    return i >= 0 ? i : assignedBroker(deviceId, o.brokers.length);
  };
  const brokerIndexOf = (deviceId: string) => where.get(deviceId) ?? homeIndexOf(deviceId);

  /** Drops a session on every broker: a throwaway dynamic-security client record of that name, deleted again. */
  async function dropSession(deviceId: string) {
    const commands = JSON.stringify({
      commands: [
        { command: 'createClient', username: deviceId },
        { command: 'deleteClient', username: deviceId },
      ],
    });
    await Promise.all(
      links.map((l) => l.client?.publishAsync(CONTROL_TOPIC, commands, { qos: 1 }).catch(() => undefined)),
    );
  }

  const links = o.brokers.map((b, i) => connectBroker(b, i));
  const ready = Promise.all(links.map((l) => l.ready)).then(() => undefined);
  return {
    ready,
    brokerOf: (id) => (where.has(id) ? deviceFacingUrl(o.brokers[where.get(id)!]) : null),
    async publish(deviceId, suffix, payload, opts = {}) {
      const link = links[brokerIndexOf(deviceId)];
      const c = link.client;
      if (!c?.connected) throw new Error(`broker ${link.endpoint.backendUrl} is not connected`);
      await c.publishAsync(deviceTopic(deviceId, suffix), JSON.stringify(payload), {
        qos: opts.qos ?? 1,
        retain: opts.retain ?? false,
      });
    },
    async publishHubTopic(topic, payload, opts) {
      if (parseDeviceTopic(topic)) throw new Error('a device topic is not a hub topic');
      await Promise.all(
        links.map((l) => l.client?.publishAsync(topic, payload, { qos: opts.qos, retain: opts.retain })),
      );
    },
    disconnect(deviceId) {
      const drop = async () => {
        await o.beforeDrop?.();
        await dropSession(deviceId);
        const t = setTimeout(() => {
          timers.delete(t);
          if (where.has(deviceId)) void dropSession(deviceId);
        }, REDROP_AFTER_MS);
        timers.add(t);
      };
      drop().catch((err: unknown) => o.logger.error({ err, deviceId }, 'dropping a device session failed'));
    },
    isConnected: (id) => where.has(id),
    connectedCount: () => where.size,
    async close() {
      closing = true;
      for (const t of timers) clearTimeout(t);
      // "Disconnect with will": another replica takes the session over at once; with none up, the
      // session waits (SESSION_EXPIRY_S) for this replica's return.
      await Promise.all(links.map((l) => l.client?.endAsync(false, { reasonCode: 0x04 }).catch(() => undefined)));
    },
  };
}

/** The broker a device is given at enrollment (and used until it is heard from): a stable spread by id. */
export function assignedBroker(deviceId: string, brokers: number): number {
  let h = 2166136261;
  for (let i = 0; i < deviceId.length; i++) h = Math.imul(h ^ deviceId.charCodeAt(i), 16777619) >>> 0;
  return h % brokers;
}

/** A stable client id per hub replica, so the broker keeps its session across the hub's restarts. */
export function replicaClientId(seed?: string): string {
  return `Outpost-Hub.${seed ?? randomBytes(6).toString('hex')}`;
}
