// Latency and throughput of Modbus reads direct, through a plain TCP proxy (socat, when
// installed) and through the inline guard (enforce mode), in the same run: one master in a closed
// loop (latency added over direct, the guard's against socat's), then 50 masters at once, each in
// a closed loop (throughput, the guard's as a ratio of socat's).
// Run: node --import tsx packages/agent/src/ot-guard/guard-overhead.bench.ts [transactions]
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { ModbusTcpReassembler, type GuardPolicy } from '@outpost/guard';
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';
import { startBenchServer } from './guard-overhead.bench-server.js';

const N = Number(process.argv[2] ?? 20_000);
const WARMUP = 1_000;
const policy: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read', 'write'],
  readOnly: true,
  onViolation: 'exception',
  version: 1,
  addressRanges: [{ table: 'holding', start: 0, end: 999 }],
};

interface Result {
  medianUs: number;
  p99Us: number;
  perSecond: number;
}

interface Samples {
  us: number[];
  elapsedS: number;
}

// Direct and guarded runs alternate in rounds, so a burst of load from elsewhere on the
// machine falls on both sides alike instead of on whichever ran second.
const ROUNDS = 4;

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

// One outstanding request at a time: each sample is a full request/response round trip.
async function run(port: number, count: number): Promise<Samples> {
  const sock = await connect(port);
  const responses = new ModbusTcpReassembler('response');
  const samples = new Float64Array(count);
  let pending: (() => void) | undefined;
  sock.on('data', (chunk: Buffer) => {
    if (responses.push(chunk).length > 0) pending?.();
  });
  const request = Buffer.from([0, 0, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10]);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    request.writeUInt16BE(i & 0xffff, 0);
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve) => {
      pending = resolve;
      sock.write(request);
    });
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  sock.destroy();
  return { us: Array.from(samples), elapsedS };
}

const MASTERS = 50;

const ratio = (a: number, b: number): number | 'n/a' => (b >= 1 ? a / b : 'n/a');
const fixed = (x: number | 'n/a') => (typeof x === 'number' ? `${x.toFixed(2)}x` : x);

// `masters` connections at once, each with one request outstanding: transactions per second.
async function concurrent(port: number, masters: number, perMaster: number): Promise<number> {
  const started = process.hrtime.bigint();
  const runs = await Promise.all(Array.from({ length: masters }, () => run(port, perMaster)));
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  return runs.reduce((a, r) => a + r.us.length, 0) / elapsedS;
}

// A free port: bound on 0, read, released (socat is then told to listen there).
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Socat {
  port: number;
  stop(): void;
}

async function startSocat(target: number): Promise<Socat | undefined> {
  if (spawnSync('sh', ['-c', 'command -v socat']).status !== 0) return undefined;
  const port = await freePort();
  const child = spawn(
    'socat',
    [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,nodelay`, `TCP:127.0.0.1:${target},nodelay`],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return { port, stop: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  return undefined;
}

function summarise(runs: Samples[]): Result {
  const sorted = runs.flatMap((r) => r.us).sort((a, b) => a - b);
  const elapsed = runs.reduce((a, r) => a + r.elapsedS, 0);
  return {
    medianUs: sorted[Math.floor(sorted.length / 2)],
    p99Us: sorted[Math.floor(sorted.length * 0.99)],
    perSecond: sorted.length / elapsed,
  };
}

function line(name: string, r: Result): string {
  return `${name.padEnd(8)} median ${r.medianUs.toFixed(1).padStart(7)} us   p99 ${r.p99Us.toFixed(1).padStart(7)} us   ${Math.round(r.perSecond).toString().padStart(6)} tx/s`;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  const proxy = await createModbusTcpProxy({
    listen: { host: '127.0.0.1', port: 0 },
    upstream: { host: '127.0.0.1', port: server.port },
    policy,
    deviceId: 'bench',
  });
  const socat = await startSocat(server.port);
  await run(server.port, WARMUP);
  await run(proxy.address.port, WARMUP);
  if (socat) await run(socat.port, WARMUP);
  const directRuns: Samples[] = [];
  const guardedRuns: Samples[] = [];
  const socatRuns: Samples[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    directRuns.push(await run(server.port, Math.ceil(N / ROUNDS)));
    guardedRuns.push(await run(proxy.address.port, Math.ceil(N / ROUNDS)));
    if (socat) socatRuns.push(await run(socat.port, Math.ceil(N / ROUNDS)));
  }
  // 50 masters: rounds alternate as above.
  const perMaster = Math.max(50, Math.ceil(N / MASTERS / ROUNDS));
  const many = { direct: [] as number[], guarded: [] as number[], socat: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    many.direct.push(await concurrent(server.port, MASTERS, perMaster));
    many.guarded.push(await concurrent(proxy.address.port, MASTERS, perMaster));
    if (socat) many.socat.push(await concurrent(socat.port, MASTERS, perMaster));
  }
  socat?.stop();
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const direct = summarise(directRuns);
  const guarded = summarise(guardedRuns);
  const plain = socat ? summarise(socatRuns) : undefined;
  console.log(
    `${N} sequential Read Holding Registers (10 registers) each way, in ${ROUNDS} alternating rounds, Node ${process.version}`,
  );
  console.log(line('direct', direct));
  console.log(line('guarded', guarded));
  const added = { median: guarded.medianUs - direct.medianUs, p99: guarded.p99Us - direct.p99Us };
  console.log(`guard adds: median +${added.median.toFixed(1)} us, p99 +${added.p99.toFixed(1)} us`);
  const throughput = { direct: mean(many.direct), guarded: mean(many.guarded), socat: mean(many.socat) };
  console.log(
    `${MASTERS} masters x ${perMaster} reads, ${ROUNDS} rounds: direct ${Math.round(throughput.direct)} tx/s, guarded ${Math.round(throughput.guarded)} tx/s`,
  );
  const vsSocat = plain
    ? {
        median: plain.medianUs - direct.medianUs,
        p99: plain.p99Us - direct.p99Us,
        // A ratio only where socat added something measurable (under load its p99 can fall below direct's).
        medianRatio: ratio(added.median, plain.medianUs - direct.medianUs),
        p99Ratio: ratio(added.p99, plain.p99Us - direct.p99Us),
        throughputRatio: throughput.guarded / throughput.socat,
      }
    : undefined;
  if (plain && vsSocat) {
    console.log(line('socat', plain));
    console.log(`socat adds: median +${vsSocat.median.toFixed(1)} us, p99 +${vsSocat.p99.toFixed(1)} us`);
    console.log(
      `guard / socat added latency: median ${fixed(vsSocat.medianRatio)}, p99 ${fixed(vsSocat.p99Ratio)} (target <= 1.5x)`,
    );
    console.log(
      `${MASTERS}-master throughput: socat ${Math.round(throughput.socat)} tx/s, guard / socat ${vsSocat.throughputRatio.toFixed(2)} (target >= 0.9)`,
    );
  }
  // The same figures on one line for `npm run bench` (bench/run.ts), which runs this as a child process. The
  // guard's figures carry socat's from the same run as their baseline: bench/run.ts tables the ratio beside them.
  const scenario = `guard overhead (${N} Modbus reads, enforce mode)`;
  const versus = (value: number | undefined) =>
    plain && value !== undefined ? { baseline: { name: 'socat', value } } : {};
  console.log(
    `@@outpost-bench-rows ${JSON.stringify([
      { scenario, metric: 'direct median', value: direct.medianUs, unit: 'µs' },
      { scenario, metric: 'guarded median', value: guarded.medianUs, unit: 'µs' },
      { scenario, metric: 'added median', value: added.median, unit: 'µs', ...versus(vsSocat?.median) },
      { scenario, metric: 'added p99', value: added.p99, unit: 'µs', ...versus(vsSocat?.p99) },
      { scenario, metric: 'direct throughput', value: direct.perSecond, unit: 'tx/s' },
      { scenario, metric: 'guarded throughput', value: guarded.perSecond, unit: 'tx/s' },
      ...(plain ? [{ scenario, metric: 'socat median', value: plain.medianUs, unit: 'µs' }] : []),
      { scenario, metric: `${MASTERS}-master direct throughput`, value: throughput.direct, unit: 'tx/s' },
      {
        scenario,
        metric: `${MASTERS}-master guarded throughput`,
        value: throughput.guarded,
        unit: 'tx/s',
        ...versus(throughput.socat),
      },
    ])}`,
  );
  await proxy.close();
  await server.close();
}

void main();
