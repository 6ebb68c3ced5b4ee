import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt, { type MqttClient } from 'mqtt';
import { loadIdentity } from '@outpost/agent';
import type { WorkerReply, WorkerRequest } from './publisher-messages.js';

export interface Publishers {
  clients: Array<{ id: string; client: MqttClient }>;
  /** Publishes `rate` health messages per second spread over all clients for `ms`; returns how many were sent. */
  drive(rate: number, ms: number, marker?: (id: string, ts: number) => void): Promise<number>;
  close(): Promise<void>;
}

/** How often a publisher marks a message whose time to queryable is then measured. */
const MARK_EVERY_MS = 50;

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

/**
 * Raw MQTT publishers using cached device identities (`sim-<first>` … `sim-<first+count-1>`): the
 * same load for the hub and for the baseline broker. `port` null: each dials the broker its identity names.
 */
export async function connectPublishers(
  identities: string,
  caFingerprint: string,
  count: number,
  port: number | null,
  first = 1,
): Promise<Publishers> {
  const clients: Array<{ id: string; client: MqttClient }> = [];
  for (let i = first; i < first + count; i++) {
    const id = `sim-${String(i).padStart(5, '0')}`;
    const ident = (await loadIdentity(join(identities, caFingerprint.slice(0, 16), id)))!;
    const client = await new Promise<MqttClient>((resolve, reject) => {
      const c = mqtt.connect(port === null ? ident.mqttUrl : `mqtts://127.0.0.1:${port}`, {
        clientId: id,
        key: ident.privateKeyPem,
        cert: ident.certPem,
        ca: ident.caPem,
        protocolVersion: 4,
        reconnectPeriod: 0,
        keepalive: 120,
        // A loaded machine can take longer than mqtt.js's 30 s to answer a handshake.
        connectTimeout: 120_000,
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
      // Paced by the clock, not by ticks: a timer that fires late (a loaded machine) is caught up
      // on the next one, so the offered rate is the asked rate whenever the publishers can make it.
      const tickMs = 20;
      let sent = 0;
      let k = 0;
      const start = Date.now();
      const end = start + ms;
      let nextMark = start;
      while (Date.now() < end) {
        const due = Math.floor((rate * (Date.now() - start)) / 1000);
        while (sent < due) {
          const c = clients[k++ % clients.length];
          const ts = Date.now();
          c.client.publish(`outpost/v1/d/${c.id}/health`, healthPayload(ts, sent), { qos: 0 });
          // A few marked messages a second, whatever the rate, so following them costs the same at every step.
          if (marker && ts >= nextMark) {
            marker(c.id, ts);
            nextMark = ts + MARK_EVERY_MS;
          }
          sent++;
        }
        await new Promise((r) => setTimeout(r, tickMs));
      }
      return sent;
    },
    async close() {
      await Promise.all(clients.map((c) => c.client.endAsync(true)));
    },
  };
}

export interface PublisherProcesses extends Omit<Publishers, 'clients'> {
  /** CPU seconds the publisher processes have used so far, together. */
  cpuS(): number;
}

/**
 * The same publishers spread over `procs` child processes (tsx, like the bench itself), each with
 * an equal share of the connections and of every step's rate. The devices are `sim-<first>` onwards.
 */
export async function spawnPublishers(
  identities: string,
  caFingerprint: string,
  count: number,
  port: number | null,
  procs: number,
  first = 1,
): Promise<PublisherProcesses> {
  const script = fileURLToPath(new URL('./publisher-worker.ts', import.meta.url));
  const workers = Array.from({ length: procs }, () =>
    fork(script, [], {
      execArgv: ['--import', 'tsx', '--conditions=source'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const next = (w: ChildProcess, type: WorkerReply['type'], onMark?: (id: string, ts: number) => void) =>
    new Promise<WorkerReply>((resolve, reject) => {
      const settle = () => {
        w.off('message', on);
        w.off('exit', onExit);
      };
      const on = (m: WorkerReply) => {
        if (m.type === 'mark') return onMark?.(m.id, m.ts);
        settle();
        if (m.type === 'failed') reject(new Error(`publisher process: ${m.error}`));
        else if (m.type === type) resolve(m);
      };
      const onExit = (code: number | null) => {
        settle();
        reject(new Error(`publisher process exited (${code})`));
      };
      w.on('message', on);
      w.once('exit', onExit);
    });
  const share = Math.ceil(count / procs);
  await Promise.all(
    workers.map((w, i) => {
      const from = first + i * share;
      const ready = next(w, 'ready');
      w.send({
        type: 'connect',
        identities,
        caFingerprint,
        first: from,
        count: Math.max(0, Math.min(share, count - i * share)),
        port,
      } satisfies WorkerRequest);
      return ready;
    }),
  );
  return {
    async drive(rate, ms, marker) {
      const done = workers.map((w) => {
        const driven = next(w, 'driven', marker);
        w.send({ type: 'drive', rate: rate / procs, ms, marks: Boolean(marker) } satisfies WorkerRequest);
        return driven;
      });
      return (await Promise.all(done)).reduce((n, r) => n + (r.type === 'driven' ? r.sent : 0), 0);
    },
    async close() {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((r) => {
              if (w.exitCode !== null) return r();
              w.once('exit', () => r());
              w.send({ type: 'close' } satisfies WorkerRequest);
              setTimeout(() => w.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
    },
    cpuS: () => workers.reduce((n, w) => n + (w.exitCode === null ? cpuSecondsOf(w.pid!) : 0), 0),
  };
}

/** CPU seconds (user + system) a process has used. */
export function cpuSecondsOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}
