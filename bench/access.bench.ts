// Remote-access relay: TCP throughput through a session versus an OpenSSH local port forward
// (`ssh -L`, what a user would pick instead) and a direct loopback connection, and the round-trip
// time each adds, measured in the same run.
//
//   node --import tsx bench/access.bench.ts [--mb 64] [--rtt 1000]
//
// Processes: the hub (`outpost hub`), the agent (`outpost agent run`) and the operator's
// `outpost access tcp` each run in their own process, as they would on three machines; this
// process hosts the target service (on the "device") and the client. Every leg is TLS.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { enrollDevice } from '@outpost/agent';
import { createClient } from '@outpost/client';
import { emitRows, percentile, root, startHubProcess, type Row } from './support.js';
import { opensshMissing, startSshForward, type SshForward } from './openssh.js';
import { startNodeTlsFloor } from './node-tls-floor.js';

const args = process.argv.slice(2);
const arg = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const MB = arg('--mb', 64);
const RTT_ROUNDS = arg('--rtt', 1000);
const log = (m: string) => console.error(`[access-bench] ${m}`);
const cli = join(root, 'packages/cli/dist/main.js');
// Extra Node flags for the agent and the operator's CLI, e.g.
// `OUTPOST_BENCH_RELAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"` (the hub's: OUTPOST_BENCH_HUB_NODE_ARGS).
const nodeArgs = (process.env.OUTPOST_BENCH_RELAY_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** CPU seconds (user + system) a process has used. */
function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds of a process and all its descendants. */
function treeCpuOf(pid: number): number {
  let total = 0;
  const walk = (p: number) => {
    try {
      total += cpuOf(p);
      for (const t of readdirSync(`/proc/${p}/task`))
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim().split(/\s+/))
          if (c) walk(Number(c));
    } catch {
      // exited meanwhile
    }
  };
  walk(pid);
  return total;
}

/** The device's service: `U` then bytes = upload sink (answers the count at the end); `D<n>` = download n MiB; `E` = echo. */
function startTarget(): Promise<number> {
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    let mode = '';
    let count = 0;
    s.on('data', (d: Buffer) => {
      if (!mode) {
        mode = String.fromCharCode(d[0]);
        d = d.subarray(1);
        if (mode === 'D') {
          const total = Number(d.toString().trim()) * 1024 * 1024;
          const chunk = Buffer.alloc(64 * 1024, 0x5a);
          let sent = 0;
          const pump = () => {
            while (sent < total) {
              sent += chunk.length;
              if (!s.write(chunk)) return void s.once('drain', pump);
            }
            s.end();
          };
          return pump();
        }
      }
      if (mode === 'U') count += d.length;
      if (mode === 'E' && d.length) s.write(d);
    });
    s.on('end', () => (mode === 'U' ? s.end(`${count}\n`) : s.end()));
    s.on('error', () => undefined);
  });
  server.unref();
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r((server.address() as net.AddressInfo).port)));
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true }, () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

async function upload(port: number, mb: number): Promise<number> {
  const s = await connect(port);
  const chunk = Buffer.alloc(64 * 1024, 0xa5);
  const total = mb * 1024 * 1024;
  const t0 = process.hrtime.bigint();
  const answer = new Promise<string>((r) => {
    let text = '';
    s.on('data', (d) => (text += d.toString()));
    s.on('end', () => r(text.trim()));
  });
  s.write('U');
  for (let sent = 0; sent < total; sent += chunk.length)
    if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
  s.end();
  const got = Number(await answer);
  if (got !== total) throw new Error(`upload: target got ${got} of ${total} bytes`);
  return mb / (Number(process.hrtime.bigint() - t0) / 1e9);
}

async function download(port: number, mb: number): Promise<number> {
  const s = await connect(port);
  const t0 = process.hrtime.bigint();
  let got = 0;
  await new Promise<void>((r) => {
    s.on('data', (d) => (got += d.length));
    s.on('end', () => r());
    s.write(`D${mb}\n`);
  });
  if (got !== mb * 1024 * 1024) throw new Error(`download: got ${got} bytes`);
  return mb / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Sequential 64-byte request/response round trips over one connection, in microseconds. */
async function roundTrips(port: number, rounds: number): Promise<number[]> {
  const s = await connect(port);
  s.write('E');
  const msg = Buffer.alloc(64, 0x42);
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = process.hrtime.bigint();
    await new Promise<void>((r) => {
      let n = 0;
      const on = (d: Buffer) => {
        n += d.length;
        if (n >= msg.length) {
          s.off('data', on);
          r();
        }
      };
      s.on('data', on);
      s.write(msg);
    });
    out.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  s.destroy();
  return out.sort((a, b) => a - b);
}

function waitFor(p: ChildProcess, re: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`${what}: ${text.slice(-400)}`)), 90_000);
    const on = (c: Buffer) => {
      text += c.toString();
      const m = re.exec(text);
      if (m) {
        clearTimeout(t);
        resolve(m);
      }
    };
    p.stdout?.on('data', on);
    p.stderr?.on('data', on);
  });
}

const dir = mkdtempSync(join(tmpdir(), 'outpost-access-bench-'));
const env = { ...process.env, OUTPOST_HOME: join(dir, 'home'), OUTPOST_LOG_LEVEL: 'warn' };
const procs: ChildProcess[] = [];
const stops: Array<() => Promise<void>> = [];
const hub = await startHubProcess(join(dir, 'data'));
try {
  const target = await startTarget();
  const session = (
    await createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem }).login('admin', 'bench-admin-password')
  ).session;
  const admin = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem, session });
  mkdirSync(env.OUTPOST_HOME, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(env.OUTPOST_HOME, 'credentials.json'),
    JSON.stringify({ hubUrl: hub.httpUrl, caPem: hub.caPem, session }),
    { mode: 0o600 },
  );
  const tok = await admin.enrollment.createToken({ label: 'bench' });
  await enrollDevice({
    hubUrl: hub.httpUrl,
    token: tok.token,
    caFingerprint: tok.caFingerprint,
    dir: join(dir, 'agent'),
    deviceId: 'bench-gw',
  });
  const agent = spawn(
    process.execPath,
    [...nodeArgs, cli, 'agent', 'run', '--dir', join(dir, 'agent'), '--access-ports', String(target)],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  procs.push(agent);
  await waitFor(agent, /connected to hub/, 'agent did not connect');
  await admin.access.createPolicy({
    name: 'bench',
    deviceId: 'bench-gw',
    targets: [`tcp:${target}`],
    mfaMaxAgeS: null,
  });
  const op = spawn(
    process.execPath,
    [...nodeArgs, cli, 'access', 'tcp', 'bench-gw', String(target), '--reason', 'bench', '--duration', '1h'],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  procs.push(op);
  const relayed = Number((await waitFor(op, /listening on 127\.0\.0\.1:(\d+)/, 'access tcp did not start'))[1]);
  log(`target ${target}, relayed through 127.0.0.1:${relayed}; ${MB} MiB each way, ${RTT_ROUNDS} round trips`);

  const sshMissing = opensshMissing();
  if (sshMissing) log(`OpenSSH baseline skipped: ${sshMissing}`);
  const ssh: SshForward | null = sshMissing ? null : await startSshForward(target);
  if (ssh) stops.push(ssh.stop);
  // The floor: the same three hops as bare Node TLS forwarders (bench/node-tls-floor.ts).
  const floor = await startNodeTlsFloor(join(dir, 'data'), target);
  stops.push(floor.stop);

  // Warm-up, then the same measurements on every path, alternating.
  await upload(relayed, 4);
  await upload(target, 4);
  await upload(floor.port, 4);
  if (ssh) await upload(ssh.port, 4);
  const rows: Array<{ path: string; uploadMBs: number; downloadMBs: number; rttP50us: number; rttP99us: number }> = [];
  const pids = { hub: hub.proc.pid!, agent: agent.pid!, operator: op.pid! };
  const cpu = { hub: 0, agent: 0, operator: 0 };
  const sshCpu = { sshd: 0, ssh: 0 };
  let floorCpu = 0;
  const pass: Array<[string, number]> = [
    ['direct loopback', target],
    ['through the relay', relayed],
    ['through 3 bare Node TLS forwarders', floor.port],
    ...(ssh ? ([['through ssh -L', ssh.port]] as Array<[string, number]>) : []),
  ];
  for (const [path, port] of [...pass, ...pass]) {
    const before = { hub: cpuOf(pids.hub), agent: cpuOf(pids.agent), operator: cpuOf(pids.operator) };
    // sshd forks a child per connection: its CPU is counted over the whole process tree.
    const floorBefore = floor.pids.reduce((t, p) => t + cpuOf(p), 0);
    const sshBefore = ssh ? { sshd: treeCpuOf(ssh.sshd.pid!), ssh: cpuOf(ssh.ssh.pid!) } : null;
    const up = await upload(port, MB);
    const down = await download(port, MB);
    if (port === floor.port) floorCpu += floor.pids.reduce((t, p) => t + cpuOf(p), 0) - floorBefore;
    if (port === relayed) for (const k of ['hub', 'agent', 'operator'] as const) cpu[k] += cpuOf(pids[k]) - before[k];
    if (ssh && sshBefore && port === ssh.port) {
      sshCpu.sshd += treeCpuOf(ssh.sshd.pid!) - sshBefore.sshd;
      sshCpu.ssh += cpuOf(ssh.ssh.pid!) - sshBefore.ssh;
    }
    const rtt = await roundTrips(port, RTT_ROUNDS);
    rows.push({
      path,
      uploadMBs: +up.toFixed(1),
      downloadMBs: +down.toFixed(1),
      rttP50us: Math.round(percentile(rtt, 50)),
      rttP99us: Math.round(percentile(rtt, 99)),
    });
    log(
      `${path}: up ${up.toFixed(1)} MB/s, down ${down.toFixed(1)} MB/s, rtt p50 ${percentile(rtt, 50).toFixed(0)} µs`,
    );
  }
  const best = (p: string, k: 'uploadMBs' | 'downloadMBs') =>
    Math.max(...rows.filter((r) => r.path === p).map((r) => r[k]));
  const p50 = (p: string) => Math.min(...rows.filter((r) => r.path === p).map((r) => r.rttP50us));
  const sshRows = ssh
    ? {
        sshUploadMBs: best('through ssh -L', 'uploadMBs'),
        sshDownloadMBs: best('through ssh -L', 'downloadMBs'),
        sshAddedRttP50us: p50('through ssh -L') - p50('direct loopback'),
        sshCpuMsPerMiB: Object.fromEntries(
          Object.entries(sshCpu).map(([k, v]) => [k, +((v * 1000) / (4 * MB)).toFixed(2)]),
        ),
      }
    : { ssh: `skipped: ${sshMissing}` };
  const summary = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    mb: MB,
    rounds: RTT_ROUNDS,
    rows,
    directUploadMBs: best('direct loopback', 'uploadMBs'),
    relayUploadMBs: best('through the relay', 'uploadMBs'),
    directDownloadMBs: best('direct loopback', 'downloadMBs'),
    relayDownloadMBs: best('through the relay', 'downloadMBs'),
    addedRttP50us: p50('through the relay') - p50('direct loopback'),
    floorUploadMBs: best('through 3 bare Node TLS forwarders', 'uploadMBs'),
    floorDownloadMBs: best('through 3 bare Node TLS forwarders', 'downloadMBs'),
    floorAddedRttP50us: p50('through 3 bare Node TLS forwarders') - p50('direct loopback'),
    // The three forwarders together, per MiB carried (compare with the sum of cpuMsPerMiB).
    floorCpuMsPerMiB: +((floorCpu * 1000) / (4 * MB)).toFixed(2),
    // CPU each process spent per MiB relayed (both directions, both relayed passes): the cost of the relay path.
    cpuMsPerMiB: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, +((v * 1000) / (4 * MB)).toFixed(2)])),
    ...sshRows,
    loadAverage: loadavg().map((x) => +x.toFixed(1)),
  };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/access.json'), JSON.stringify(summary, null, 2) + '\n');
  console.log(JSON.stringify(summary, null, 2));
  const scenario = `remote access relay (${MB} MiB each way)`;
  const against = (name: string, value: number | undefined) =>
    value === undefined ? {} : { baseline: { name, value } };
  const out: Row[] = [
    { scenario, metric: 'direct upload', value: summary.directUploadMBs, unit: 'MB/s' },
    {
      scenario,
      metric: 'relayed upload',
      value: summary.relayUploadMBs,
      unit: 'MB/s',
      ...against('ssh -L', 'sshUploadMBs' in summary ? summary.sshUploadMBs : undefined),
    },
    { scenario, metric: 'direct download', value: summary.directDownloadMBs, unit: 'MB/s' },
    {
      scenario,
      metric: 'relayed download',
      value: summary.relayDownloadMBs,
      unit: 'MB/s',
      ...against('ssh -L', 'sshDownloadMBs' in summary ? summary.sshDownloadMBs : undefined),
    },
    {
      scenario,
      metric: 'added round trip, p50',
      value: summary.addedRttP50us,
      unit: 'µs',
      ...against('ssh -L', 'sshAddedRttP50us' in summary ? summary.sshAddedRttP50us : undefined),
    },
  ];
  const floorScenario = `${scenario}: floor, 3 bare Node TLS forwarders`;
  out.push(
    { scenario: floorScenario, metric: 'upload', value: summary.floorUploadMBs, unit: 'MB/s' },
    { scenario: floorScenario, metric: 'download', value: summary.floorDownloadMBs, unit: 'MB/s' },
    { scenario: floorScenario, metric: 'added round trip, p50', value: summary.floorAddedRttP50us, unit: 'µs' },
  );
  if (!ssh) out.push({ scenario, metric: 'ssh -L baseline', value: `skipped: ${sshMissing}`, unit: '' });
  emitRows(out);
  op.kill('SIGINT');
} finally {
  for (const stop of stops) await stop();
  for (const p of procs) p.kill('SIGTERM');
  await hub.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
