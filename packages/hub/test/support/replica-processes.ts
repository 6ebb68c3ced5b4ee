import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type OutpostClient } from '@outpost/client';
import { startTestPostgres, type TestPostgresCluster } from '../../src/storage/test-postgres.js';
import { connectPostgres } from '../../src/storage/postgres.js';
import type { Db } from '../../src/storage/database.js';
import { ADMIN_PASSWORD, restartablePort, startTestHub, type TestHub } from './test-hub.js';
import { startMosquittoBroker, type MosquittoBroker } from './mosquitto-broker.js';

// Hub replicas as an operator runs them: the compiled hub, each in a process of its own (so a test
// can kill one for real), on one PostgreSQL and one Mosquitto, each with a copy of the first one's
// data directory (same CA and KEK) and the artifacts directory shared.

const OUTPOST_MAIN = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

export interface ReplicaProcess {
  name: string;
  /** The replica's broker client id. */
  clientId: string;
  port: number;
  baseUrl: string;
  proc: ChildProcess;
  /** What the process wrote (the last 64 KB). */
  output(): string;
  alive(): boolean;
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop); resolves when the process is gone. */
  stop(): Promise<void>;
}

export interface ReplicaSet {
  cluster: TestPostgresCluster;
  databaseUrl: string;
  /** The test's own connection to the shared database. */
  db: Db;
  broker: MosquittoBroker;
  caPem: string;
  replicas: ReplicaProcess[];
  /** An admin signed in through the given replica. */
  admin(r: ReplicaProcess): Promise<OutpostClient>;
  /** What the enrollment and device helpers need of a hub, served by the given replica. */
  asTestHub(r: ReplicaProcess, admin: OutpostClient): TestHub;
  stop(): Promise<void>;
}

export async function startReplicaSet(o: { replicas: number; env?: Record<string, string> }): Promise<ReplicaSet> {
  const cluster = await startTestPostgres();
  const cleanup: Array<() => Promise<void> | void> = [() => cluster.stop()];
  const stop = async () => {
    for (const c of cleanup.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    const databaseUrl = await cluster.createDatabase('outpost');
    const first = mkdtempSync(join(tmpdir(), 'outpost-replica-'));
    cleanup.push(() => {
      rmSync(first, { recursive: true, force: true });
      rmSync(`${first}.kek`, { force: true });
    });
    // A first start makes the data directory (CA, keys, KEK) and migrates the database.
    await (await startTestHub({ databaseUrl }, first)).stop();
    const broker = await startMosquittoBroker(first, { databaseUrl });
    cleanup.push(() => broker.stop());
    const db = connectPostgres(databaseUrl, 2);
    cleanup.push(() => db.destroy());
    const caPem = readFileSync(join(first, 'pki', 'ca.crt'), 'utf8');
    const replicas: ReplicaProcess[] = [];
    for (let i = 0; i < o.replicas; i++) {
      const name = String.fromCharCode(97 + i);
      let dir = first;
      if (i > 0) {
        dir = `${first}-${name}`;
        cpSync(first, dir, { recursive: true, filter: (src) => !src.endsWith('.lock') && !src.endsWith('.log') });
        cpSync(`${first}.kek`, `${dir}.kek`);
        // Artifacts on storage every replica mounts.
        mkdirSync(join(first, 'artifacts'), { recursive: true });
        rmSync(join(dir, 'artifacts'), { recursive: true, force: true });
        symlinkSync(join(first, 'artifacts'), join(dir, 'artifacts'));
        cleanup.push(() => {
          rmSync(dir, { recursive: true, force: true });
          rmSync(`${dir}.kek`, { force: true });
        });
      }
      const r = await startReplica(name, dir, {
        OUTPOST_DATABASE_URL: databaseUrl,
        OUTPOST_BROKERS: broker.entry,
        OUTPOST_BROKER_DIR: broker.dir,
        ...o.env,
      });
      cleanup.push(() => r.stop());
      replicas.push(r);
    }
    const admin = async (r: ReplicaProcess) => {
      const base = { baseUrl: r.baseUrl, caPem };
      return createClient({ ...base, session: (await createClient(base).login('admin', ADMIN_PASSWORD)).session });
    };
    const asTestHub = (r: ReplicaProcess, a: OutpostClient) =>
      ({
        hub: { httpUrl: r.baseUrl, caPem, mqttPort: 0, brokerUrlOf: () => `mqtts://127.0.0.1:${broker.devicePort}` },
        admin: a,
      }) as unknown as TestHub;
    return { cluster, databaseUrl, db, broker, caPem, replicas, admin, asTestHub, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function startReplica(name: string, dir: string, env: Record<string, string>): Promise<ReplicaProcess> {
  const port = await restartablePort();
  const clientId = `Outpost-Hub.replica-${name}`;
  const proc = spawn(process.execPath, [OUTPOST_MAIN, 'hub'], {
    env: {
      ...process.env,
      OUTPOST_DATA_DIR: dir,
      OUTPOST_HTTP_PORT: String(port),
      OUTPOST_BIND: '127.0.0.1',
      OUTPOST_PUBLIC_HOST: '127.0.0.1',
      OUTPOST_ADMIN_PASSWORD: ADMIN_PASSWORD,
      OUTPOST_API_REQUESTS_PER_MINUTE: '1000000',
      OUTPOST_BROKER_CLIENT_ID: clientId,
      OUTPOST_RELAY_URL: `wss://127.0.0.1:${port}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const keep = (c: Buffer) => (text = (text + c.toString()).slice(-65_536));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  let ending = false;
  proc.once('exit', (code, signal) => {
    if (!ending) console.error(`replica ${name} exited on its own (${code ?? signal}):\n${text.slice(-6000)}`);
  });
  const end = (signal: NodeJS.Signals) => {
    ending = true;
    if (!alive()) return Promise.resolve();
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill(signal);
    return exited;
  };
  const baseUrl = `https://127.0.0.1:${port}`;
  const caPem = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (!alive()) throw new Error(`replica ${name} exited (${proc.exitCode ?? proc.signalCode}): ${text}`);
    if (Date.now() > deadline) {
      await end('SIGKILL');
      throw new Error(`replica ${name} did not answer: ${text}`);
    }
    try {
      await createClient({ baseUrl, caPem }).login('admin', ADMIN_PASSWORD);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return {
    name,
    clientId,
    port,
    baseUrl,
    proc,
    output: () => text,
    alive,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
}
