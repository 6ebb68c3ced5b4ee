import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { SparkplugConfig } from '../../../config/sharing-config.js';
import type { Clock, Timer } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logger.js';
import type { SharedDevice, SharedPoints, SharingChange } from '../shared-points.js';
import {
  birthMetric,
  dataMetric,
  decode,
  encode,
  isRebirthRequest,
  nbirth,
  ndeath,
  nextSeq,
  topicOf,
  type MessageType,
} from './sparkplug-payloads.js';

// The hub as one Sparkplug B edge node on an external broker; each Outpost device is a Sparkplug
// device of it. Every MQTT session starts with a new bdSeq (kept in the data directory across
// restarts), registers NDEATH with it as the will, publishes NBIRTH and a DBIRTH per connected
// device. Values go out as DDATA; a device that leaves Outpost gets a DDEATH at once and a DBIRTH
// with its current values when it returns. `Node Control/Rebirth` (NCMD) births everything again.

export interface EdgeNodeStatus {
  connected: boolean;
  bdSeq: number;
  seq: number;
  births: number;
  /** `failing` once a connection attempt failed and none has succeeded since (the reason in `lastError`). */
  state: 'connecting' | 'connected' | 'failing' | 'stopped';
  /** Why the last attempt failed or the last session ended (`unable to verify the first certificate`, …); null once connected. */
  lastError: string | null;
  /** Connection attempts that failed in a row; 0 once connected. */
  failures: number;
}

export type SparkplugEdgeNode = ReturnType<typeof createSparkplugEdgeNode>;

export function createSparkplugEdgeNode(d: {
  config: SparkplugConfig;
  points: SharedPoints;
  clock: Clock;
  logger: Logger;
  dataDir: string;
}) {
  const { groupId, edgeNodeId } = d.config;
  const bdSeqFile = join(d.dataDir, 'sparkplug-bdseq');
  const reconnectMs = d.config.reconnectMs ?? 5000;
  let client: MqttClient | null = null;
  let online = false;
  let stopped = false;
  let bdSeq = readBdSeq();
  let seq = 0;
  let births = 0;
  let lastError: string | null = null;
  let failures = 0;
  let retry: Timer | null = null;
  // Aliases are unique across the edge node and kept for the life of the process.
  const aliases = new Map<string, number>();
  const birthed = new Set<string>();

  function readBdSeq(): number {
    try {
      const n = Number(readFileSync(bdSeqFile, 'utf8').trim());
      return Number.isInteger(n) && n >= 0 && n <= 255 ? n : 0;
    } catch {
      return 0;
    }
  }

  const aliasOf = (deviceId: string, point: string): number => {
    const key = `${deviceId}\u0000${point}`;
    let a = aliases.get(key);
    if (a === undefined) aliases.set(key, (a = aliases.size + 1));
    return a;
  };

  const now = () => d.clock.now().getTime();

  function publish(type: MessageType, deviceId: string | undefined, payload: Parameters<typeof encode>[0]): void {
    if (!client || !online) return;
    client.publish(topicOf(groupId, type, edgeNodeId, deviceId), encode(payload), { qos: 0 });
  }

  /** Stamps the next sequence number (NBIRTH resets to 0). */
  function stamp(): number {
    seq = nextSeq(seq);
    return seq;
  }

  function dbirth(dev: SharedDevice): void {
    if (!dev.online || dev.points.size === 0) return;
    const t = now();
    const metrics = [...dev.points.values()].map((p) => birthMetric(p, aliasOf(dev.id, p.def.point), t));
    publish('DBIRTH', dev.id, { timestamp: t, seq: stamp(), metrics });
    birthed.add(dev.id);
  }

  function ddeath(deviceId: string): void {
    if (!birthed.delete(deviceId)) return;
    publish('DDEATH', deviceId, { timestamp: now(), seq: stamp() });
  }

  function birthAll(): void {
    birthed.clear();
    seq = 0;
    publish('NBIRTH', undefined, nbirth(bdSeq, now()));
    births++;
    for (const dev of d.points.devices()) dbirth(dev);
  }

  function onChange(c: SharingChange): void {
    if (!online) return;
    const dev = d.points.device(c.deviceId);
    if (!dev) return;
    if (c.kind === 'presence') {
      if (c.online) dbirth(dev);
      else ddeath(c.deviceId);
    } else if (c.kind === 'definitions') {
      // New or changed metrics: the device is born again with all of them.
      dbirth(dev);
    } else if (!birthed.has(c.deviceId)) {
      dbirth(dev);
    } else {
      const metrics = c.points.filter((p) => p.value).map((p) => dataMetric(p, aliasOf(c.deviceId, p.def.point)));
      if (metrics.length > 0) publish('DDATA', c.deviceId, { timestamp: now(), seq: stamp(), metrics });
    }
  }

  function options(): IClientOptions {
    const file = (p?: string) => (p ? readFileSync(p) : undefined);
    return {
      clientId: d.config.clientId ?? `outpost-${groupId}-${edgeNodeId}`,
      protocolVersion: 4,
      clean: true,
      keepalive: d.config.keepaliveS ?? 30,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ca: file(d.config.caFile),
      cert: file(d.config.certFile),
      key: file(d.config.keyFile),
      rejectUnauthorized: true,
      username: d.config.username,
      password: d.config.passwordFile ? readFileSync(d.config.passwordFile, 'utf8').trim() : undefined,
      will: {
        topic: topicOf(groupId, 'NDEATH', edgeNodeId),
        payload: encode(ndeath(bdSeq, now())),
        qos: 1,
        retain: false,
      },
    };
  }

  function connect(): void {
    if (stopped) return;
    // Each MQTT session has its own bdSeq, kept so that a restarted hub does not reuse the last one.
    bdSeq = (bdSeq + 1) % 256;
    writeFileSync(bdSeqFile, `${bdSeq}\n`, { mode: 0o600 });
    const c = mqtt.connect(d.config.brokerUrl, options());
    client = c;
    let opened = false;
    c.on('connect', () => {
      online = true;
      opened = true;
      lastError = null;
      failures = 0;
      d.logger.info({ broker: d.config.brokerUrl, bdSeq }, 'sparkplug edge node connected');
      c.subscribe(topicOf(groupId, 'NCMD', edgeNodeId), { qos: 1 }, (err) => {
        if (err) d.logger.warn({ err }, 'sparkplug: subscribing to NCMD failed');
        birthAll();
      });
    });
    c.on('message', (_topic, payload) => {
      try {
        if (isRebirthRequest(decode(payload))) {
          d.logger.info('sparkplug rebirth requested');
          birthAll();
        }
      } catch (err) {
        d.logger.warn({ err }, 'sparkplug: an NCMD that does not decode was ignored');
      }
    });
    c.on('error', (err) => {
      lastError = err.message.slice(0, 300);
      d.logger.warn(
        { err: err.message, failures: opened ? failures : failures + 1 },
        'sparkplug broker connection error',
      );
    });
    c.on('close', () => {
      if (client !== c) return;
      if (!opened) failures++;
      else if (!stopped) lastError ??= 'the broker closed the connection';
      online = false;
      birthed.clear();
      client = null;
      c.removeAllListeners();
      c.on('error', () => {});
      if (!stopped) retry = d.clock.after(reconnectMs, connect);
    });
  }

  let unsubscribe: (() => void) | null = null;

  return {
    start(): void {
      unsubscribe = d.points.subscribe(onChange);
      connect();
    },
    async stop(): Promise<void> {
      stopped = true;
      retry?.cancel();
      unsubscribe?.();
      const c = client;
      client = null;
      if (!c) return;
      // A clean leave says so itself: NDEATH first, then the disconnect (which cancels the will).
      if (online)
        await c
          .publishAsync(topicOf(groupId, 'NDEATH', edgeNodeId), encode(ndeath(bdSeq, now())), { qos: 1 })
          .catch(() => {});
      online = false;
      await c.endAsync().catch(() => {});
    },
    status: (): EdgeNodeStatus => ({
      connected: online,
      bdSeq,
      seq,
      births,
      state: stopped ? 'stopped' : online ? 'connected' : failures > 0 ? 'failing' : 'connecting',
      lastError,
      failures,
    }),
  };
}
