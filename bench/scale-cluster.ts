// The scale benchmark's installation: a throw-away PostgreSQL, Mosquitto brokers configured by
// `outpost hub broker-config`, and two hub replicas in processes of their own on that database and
// those brokers.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPostgres, type TestPostgresCluster } from '../packages/hub/src/storage/test-postgres.js';
import { startMosquittoBroker, type MosquittoBroker } from '../packages/hub/test/support/mosquitto-broker.js';
import { runMosquitto } from '../packages/hub/test/support/mosquitto.js';
import { startHubProcess, type HubProcess } from './support.js';

/** Connections one client address can open to one listener: the kernel's ephemeral port range. */
export function ephemeralPorts(): number {
  const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
  return hi - lo + 1;
}

/** Raises this process's open-file limit (children inherit it); returns the limit in force. */
export function raiseFileLimit(want: number): number {
  spawnSync('prlimit', ['--pid', String(process.pid), `--nofile=${want}:${want}`], { stdio: 'ignore' });
  const limits = readFileSync(`/proc/${process.pid}/limits`, 'utf8');
  return Number(/Max open files\s+(\d+)/.exec(limits)?.[1] ?? 0);
}

/** Resident memory of one process, MB (0 once it is gone). */
export function rssMbOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return 0;
  }
}

const ppidOf = (pid: string) => {
  try {
    return Number(/PPid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  } catch {
    return -1;
  }
};
const pids = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p));

/** The PostgreSQL postmaster listening on `port` and its server processes. */
export function postgresPids(port: number): number[] {
  const master = pids().find((p) => {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return /postgres$/.test(cmd[0]) && cmd.join(' ').includes(`-p ${port}`);
    } catch {
      return false;
    }
  });
  if (!master) return [];
  return [
    Number(master),
    ...pids()
      .filter((p) => ppidOf(p) === Number(master))
      .map(Number),
  ];
}

/** Local TCP ports of the sockets a process holds open (to tell its database connections apart). */
export function localPortsOf(pid: number): Set<number> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    }
  } catch {
    // the process is gone
  }
  const ports = new Set<number>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length > 9 && inodes.has(f[9])) ports.add(parseInt(f[1].split(':')[1], 16));
  }
  return ports;
}
const safeReadlink = (p: string) => {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
};

export interface ScaleCluster {
  pg: TestPostgresCluster;
  pgPort: number;
  databaseUrl: string;
  brokers: MosquittoBroker[];
  mosquittoPids(): number[];
  /** Stops every Mosquitto and starts it again on the same configuration, ports and persistence. */
  restartBrokers(): Promise<{ stoppedAt: number; listeningAt: number }>;
  dataDirs: [string, string];
  replicas: [HubProcess, HubProcess];
  stop(): Promise<void>;
}

/**
 * PostgreSQL, `brokers` Mosquittos (devices spread over them by the hub's assignment), and
 * replicas a and b. Replica a's first start makes the data directory; b gets a copy of it and of
 * the KEK, as REPLICAS.md says. With `pkiCache`, the hub's PKI (CA, server certificate, KEK) is
 * taken from there when present and kept there otherwise, so device identities signed by that CA
 * in an earlier run are valid again.
 */
export async function startScaleCluster(
  brokerCount: number,
  log: (m: string) => void,
  pkiCache?: string,
): Promise<ScaleCluster> {
  const pg = await startTestPostgres();
  const databaseUrl = await pg.createDatabase('outpost');
  const pgPort = Number(new URL(databaseUrl).port);
  const parent = mkdtempSync(join(tmpdir(), 'outpost-bench-scale-'));
  const dirA = join(parent, 'a');
  const dirB = join(parent, 'b');
  const db = { OUTPOST_DATABASE_URL: databaseUrl };
  const cached = pkiCache !== undefined && existsSync(join(pkiCache, 'pki', 'ca.crt'));
  if (cached) {
    mkdirSync(dirA, { mode: 0o700 });
    cpSync(join(pkiCache, 'pki'), join(dirA, 'pki'), { recursive: true });
    cpSync(join(pkiCache, 'data.kek'), `${dirA}.kek`);
  }
  await (await startHubProcess(dirA, db)).stop();
  if (pkiCache !== undefined && !cached) {
    // Only the PKI: the audit head and the rest of the data directory belong to this run's database.
    mkdirSync(pkiCache, { recursive: true, mode: 0o700 });
    cpSync(join(dirA, 'pki'), join(pkiCache, 'pki'), { recursive: true });
    cpSync(`${dirA}.kek`, join(pkiCache, 'data.kek'));
  }
  const brokers: MosquittoBroker[] = [];
  for (let i = 0; i < brokerCount; i++)
    // Every broker accepts the one client certificate the replicas present.
    brokers.push(await startMosquittoBroker(dirA, { databaseUrl, backendFrom: brokers[0]?.dir }));
  log(`mosquitto brokers: ${brokers.map((b) => b.entry).join(', ')}`);
  cpSync(dirA, dirB, { recursive: true, filter: (src) => !src.endsWith('.lock') && !src.endsWith('.log') });
  cpSync(`${dirA}.kek`, `${dirB}.kek`);
  const env = (id: string) => ({
    ...db,
    OUTPOST_BROKERS: brokers.map((b) => b.entry).join(','),
    OUTPOST_BROKER_DIR: brokers.map((b) => b.dir).join(','),
    OUTPOST_BROKER_CLIENT_ID: `Outpost-Hub.replica-${id}`,
  });
  const replicas: [HubProcess, HubProcess] = [
    await startHubProcess(dirA, env('a')),
    await startHubProcess(dirB, env('b')),
  ];
  const pidOf = (b: MosquittoBroker) => {
    try {
      return Number(readFileSync(join(b.dir, 'mosquitto.pid'), 'utf8').trim());
    } catch {
      return 0; // stopped, its directory removed
    }
  };
  const running: Array<{ stop(): Promise<void> }> = [...brokers];
  return {
    pg,
    pgPort,
    databaseUrl,
    brokers,
    mosquittoPids: () => brokers.map(pidOf),
    async restartBrokers() {
      const pids = brokers.map(pidOf);
      const stoppedAt = Date.now();
      for (const pid of pids) process.kill(pid, 'SIGTERM');
      for (const pid of pids) while (rssMbOf(pid) > 0) await new Promise((r) => setTimeout(r, 20));
      for (let i = 0; i < brokers.length; i++)
        running[i] = await runMosquitto(brokers[i].dir, null, [brokers[i].devicePort, brokers[i].backendPort]);
      return { stoppedAt, listeningAt: Date.now() };
    },
    dataDirs: [dirA, dirB],
    replicas,
    async stop() {
      // A replica that does not finish its stop within 30 s is killed: the run must not hang on it.
      for (const r of replicas)
        if (r.proc.exitCode === null && r.proc.signalCode === null)
          await Promise.race([r.stop(), new Promise((res) => setTimeout(res, 30_000))]).then(() =>
            r.proc.kill('SIGKILL'),
          );
      for (const b of running) await b.stop();
      await pg.stop();
      rmSync(parent, { recursive: true, force: true });
    },
  };
}
