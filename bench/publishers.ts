import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { loadIdentity } from '@outpost/agent';

export interface Publishers {
  clients: Array<{ id: string; client: MqttClient }>;
  /** Publishes `rate` health messages per second spread over all clients for `ms`; returns how many were sent. */
  drive(rate: number, ms: number, marker?: (id: string, ts: number) => void): Promise<number>;
  close(): Promise<void>;
}

export function healthPayload(ts: number, uptimeS = 1): string {
  return JSON.stringify({
    v: 1,
    ts,
    uptimeS,
    cpuPct: 12.5,
    memUsedPct: 40,
    diskUsedPct: 30,
    temperatureC: 45,
    signalDbm: -80,
  });
}

/** Raw MQTT publishers using cached device identities: the same load for the hub and for the baseline broker. */
export async function connectPublishers(
  identities: string,
  caFingerprint: string,
  count: number,
  port: number,
): Promise<Publishers> {
  const clients: Array<{ id: string; client: MqttClient }> = [];
  for (let i = 1; i <= count; i++) {
    const id = `sim-${String(i).padStart(5, '0')}`;
    const ident = (await loadIdentity(join(identities, caFingerprint.slice(0, 16), id)))!;
    const client = await new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(`mqtts://127.0.0.1:${port}`, {
        clientId: id,
        key: ident.privateKeyPem,
        cert: ident.certPem,
        ca: ident.caPem,
        protocolVersion: 4,
        reconnectPeriod: 0,
        keepalive: 120,
      });
      c.once('connect', () => resolve(c));
      c.once('error', reject);
      c.once('close', () => reject(new Error(`publisher ${id} closed`)));
    });
    client.removeAllListeners('close');
    client.on('error', () => undefined);
    // Announce, so the hub counts the device as reachable (status birth).
    client.publish(`outpost/v1/d/${id}/status`, JSON.stringify({ v: 1, state: 'online', ts: Date.now() }), { qos: 0 });
    clients.push({ id, client });
  }
  return {
    clients,
    async drive(rate, ms, marker) {
      const tickMs = 20;
      const perTick = (rate * tickMs) / 1000;
      let carry = 0;
      let sent = 0;
      let k = 0;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        const t = Date.now();
        carry += perTick;
        while (carry >= 1) {
          carry--;
          const c = clients[k++ % clients.length];
          const ts = Date.now();
          c.client.publish(`outpost/v1/d/${c.id}/health`, healthPayload(ts, sent), { qos: 0 });
          if (marker && sent % 250 === 0) marker(c.id, ts);
          sent++;
        }
        await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - t))));
      }
      return sent;
    },
    async close() {
      await Promise.all(clients.map((c) => c.client.endAsync(true)));
    },
  };
}
