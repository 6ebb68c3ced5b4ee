import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { loadIdentity } from '@outpost/agent';
import { defaultKekPath, readServerKeyPem } from '@outpost/hub';
import { emitRows, startHubProcess, type Row } from './support.js';
import { fleetDataDir } from './fleet-cache.js';
import { mosquittoBin, startMosquitto } from './mosquitto.js';

/**
 * What one connected device costs the server, against the baselines a user would pick: Debian's
 * mosquitto with the same PKI, and a bare Node TLS server that only checks the client certificate
 * and answers CONNECT. The same driver opens the same N mTLS connections (full handshakes, the
 * enrolled fleet's certificates, one MQTT CONNECT each) to each in turn and holds them; the server
 * process's RSS and CPU before and after give memory and CPU per connection.
 *
 *   node --import tsx --conditions=source bench/connection-cost.bench.ts --devices 2000
 */
const args = process.argv.slice(2);
const devices = Number(args[args.indexOf('--devices') + 1] || 2000);
const log = (m: string) => console.error(`[connection-cost] ${m}`);

interface Server {
  pid: number;
  port: number;
  stop(): Promise<void>;
}
interface Cost {
  kbPerConnection: number;
  cpuMsPerConnection: number;
  connectS: number;
}

const proc = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return {
    cpuS: (Number(f[11]) + Number(f[12])) / 100,
    rssMb: Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024,
  };
};

function connectPacket(clientId: string): Buffer {
  const id = Buffer.from(clientId);
  const body = Buffer.concat([
    Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0x04, 0xb0]), // MQTT 3.1.1, clean, keepalive 1200 s
    Buffer.from([id.length >> 8, id.length & 0xff]),
    id,
  ]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

async function measure(name: string, server: Server, ids: Identities): Promise<Cost> {
  await new Promise((r) => setTimeout(r, 2000));
  const before = proc(server.pid);
  const sockets: TLSSocket[] = [];
  const t0 = performance.now();
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < ids.length) {
        const id = ids[next++];
        const s = await new Promise<TLSSocket | null>((res) => {
          const sock = connect({
            host: '127.0.0.1',
            port: server.port,
            key: id.key,
            cert: id.cert,
            ca: id.ca,
            servername: undefined,
            checkServerIdentity: () => undefined,
          });
          const timer = setTimeout(() => done(null), 60_000);
          const done = (v: TLSSocket | null) => {
            clearTimeout(timer);
            if (!v) sock.destroy();
            res(v);
          };
          sock.once('secureConnect', () => sock.write(connectPacket(id.deviceId)));
          sock.once('data', (d: Buffer) => done(d[0] === 0x20 && d[3] === 0 ? sock : null));
          sock.once('error', () => done(null));
          sock.once('close', () => done(null));
        });
        if (s) sockets.push(s);
        else failed++;
      }
    }),
  );
  const connectS = (performance.now() - t0) / 1000;
  if (failed) log(`${name}: ${failed} of ${ids.length} connections refused`);
  await new Promise((r) => setTimeout(r, 3000));
  const after = proc(server.pid);
  const n = sockets.length;
  for (const s of sockets) s.destroy();
  const cost = {
    kbPerConnection: ((after.rssMb - before.rssMb) * 1024) / n,
    cpuMsPerConnection: ((after.cpuS - before.cpuS) * 1000) / n,
    connectS,
  };
  log(
    `${name}: ${n} held, ${cost.kbPerConnection.toFixed(1)} KB and ${cost.cpuMsPerConnection.toFixed(2)} CPU ms each`,
  );
  await server.stop();
  return cost;
}

type Identities = Array<{ deviceId: string; key: string; cert: string; ca: string }>;

async function identities(dir: string, fp: string): Promise<Identities> {
  const base = join(dir, fp.slice(0, 16));
  const out: Identities = [];
  for (const name of readdirSync(base).sort().slice(0, devices)) {
    const i = (await loadIdentity(join(base, name)))!;
    out.push({ deviceId: i.deviceId, key: i.privateKeyPem, cert: i.certPem, ca: i.caPem });
  }
  return out;
}

async function bareTlsServer(dataDir: string): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bare-tls-'));
  const key = join(dir, 'server.key');
  writeFileSync(key, await readServerKeyPem(dataDir, readFileSync(defaultKekPath(dataDir))), { mode: 0o600 });
  const p = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'bare-tls-server.mjs'),
      join(dataDir, 'pki/ca.crt'),
      join(dataDir, 'pki/server.crt'),
      key,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((res) =>
    p.stdout!.once('data', (d: Buffer) => res(Number(/port (\d+)/.exec(String(d))![1]))),
  );
  return {
    pid: p.pid!,
    port,
    stop: () =>
      new Promise((res) => {
        p.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          res();
        });
        p.kill('SIGTERM');
      }),
  };
}

const fleet = await fleetDataDir(devices, log);
const ids = await identities(fleet.identities, fleet.caFingerprint);
const s = `connection cost, ${ids.length} mTLS devices`;
const rows: Row[] = [];
const hub = await startHubProcess(fleet.dataDir);
const outpost = await measure(
  'outpost (embedded broker)',
  { pid: hub.proc.pid!, port: hub.mqttPort, stop: hub.stop },
  ids,
);
const bare = await measure('bare Node TLS server', await bareTlsServer(fleet.dataDir), ids);
let mosq: Cost | null = null;
if (mosquittoBin()) {
  const m = await startMosquitto(fleet.dataDir);
  mosq = await measure('mosquitto', { pid: m.proc.pid!, port: m.port, stop: m.stop }, ids);
} else log('mosquitto not installed: its baseline is skipped');
rows.push(
  mosq
    ? {
        scenario: s,
        metric: 'memory per connected device',
        value: outpost.kbPerConnection,
        unit: 'KB',
        baseline: { name: 'mosquitto, same TLS and clients', value: mosq.kbPerConnection },
      }
    : { scenario: s, metric: 'memory per connected device', value: outpost.kbPerConnection, unit: 'KB' },
  {
    scenario: s,
    metric: 'memory per connection, bare Node TLS server',
    value: bare.kbPerConnection,
    unit: 'KB',
  },
  {
    scenario: s,
    metric: 'hub CPU per new device connection',
    value: outpost.cpuMsPerConnection,
    unit: 'CPU ms',
    baseline: { name: 'bare Node TLS handshake', value: bare.cpuMsPerConnection },
  },
  ...(mosq
    ? [{ scenario: s, metric: 'CPU per connection, mosquitto', value: mosq.cpuMsPerConnection, unit: 'CPU ms' }]
    : []),
  { scenario: s, metric: 'time to connect all, outpost', value: outpost.connectS, unit: 's' },
);
rmSync(dirname(fleet.dataDir), { recursive: true, force: true });
emitRows(rows);
process.exit(0);
