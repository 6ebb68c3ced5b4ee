import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { get } from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

// A Sparkplug B host application (Eclipse Tahu payload codec, mqtt.js) for the edge node tests:
// every message it saw, the metric names by alias, and which devices' metrics are stale.

export const sparkplugCodec = get('spBv1.0')!;

export interface Seen {
  type: string;
  device?: string;
  payload: UPayload;
  at: number;
}

/** A Sparkplug number (a Long arrives as an object) as a JavaScript number. */
export const num = (v: unknown): number => (typeof v === 'object' && v !== null ? Number(String(v)) : Number(v));

export type SparkplugHost = ReturnType<typeof startSparkplugHost>;

/** The host's view of group `group` on the broker at `url` (TLS options as mqtt.js takes them). */
export function startSparkplugHost(url: string, group: string, options: IClientOptions = {}) {
  const codec = sparkplugCodec;
  const seen: Seen[] = [];
  const names = new Map<number, string>();
  const values = new Map<string, { value: unknown; quality: number; stale: boolean }>();
  const c: MqttClient = mqtt.connect(url, {
    clientId: 'scada-host',
    reconnectPeriod: 0,
    protocolVersion: 4,
    ...options,
  });
  const ready = new Promise<void>((resolve, reject) => {
    c.once('connect', () => c.subscribe(`spBv1.0/${group}/#`, { qos: 1 }, (err) => (err ? reject(err) : resolve())));
    c.once('error', reject);
  });
  c.on('message', (topic, buf) => {
    const [, , type, , device] = topic.split('/');
    const payload = codec.decodePayload(buf);
    seen.push({ type: type!, device, payload, at: Date.now() });
    const metric = (m: UMetric) => {
      const name = m.name ?? names.get(num(m.alias))!;
      if (m.name && m.alias !== undefined && m.alias !== null) names.set(num(m.alias), m.name);
      values.set(`${device}/${name}`, {
        value: m.value,
        quality: num(m.properties?.Quality?.value),
        stale: false,
      });
    };
    if (type === 'DBIRTH' || type === 'DDATA') for (const m of payload.metrics ?? []) metric(m);
    // The specification's rule: a DDEATH makes every metric of that device stale.
    if (type === 'DDEATH') for (const [k, v] of values) if (k.startsWith(`${device}/`)) v.stale = true;
  });
  return { c, ready, seen, values, of: (type: string) => seen.filter((s) => s.type === type) };
}
