// Latency and throughput of Modbus reads direct vs through the inline guard (enforce mode).
// Run: node --import tsx packages/agent/src/ot-guard/guard-overhead.bench.ts [transactions]
import net from 'node:net';
import { ModbusTcpReassembler, type GuardPolicy } from '@outpost/guard';
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';
import { startBenchServer } from './guard-overhead.bench-server.js';

const N = Number(process.argv[2] ?? 20_000);
const WARMUP = 1_000;
const policy: GuardPolicy = {
  mode: 'enforce', allowedClasses: ['read', 'write'], readOnly: true, onViolation: 'exception', version: 1,
  addressRanges: [{ table: 'holding', start: 0, end: 999 }],
};

interface Result {
  medianUs: number;
  p99Us: number;
  perSecond: number;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

// One outstanding request at a time: each sample is a full request/response round trip.
async function run(port: number, count: number): Promise<Result> {
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
  const sorted = Array.from(samples).sort((a, b) => a - b);
  return { medianUs: sorted[Math.floor(count / 2)], p99Us: sorted[Math.floor(count * 0.99)], perSecond: count / elapsedS };
}

function line(name: string, r: Result): string {
  return `${name.padEnd(8)} median ${r.medianUs.toFixed(1).padStart(7)} us   p99 ${r.p99Us.toFixed(1).padStart(7)} us   ${Math.round(r.perSecond).toString().padStart(6)} tx/s`;
}

async function main(): Promise<void> {
  const server = await startBenchServer();
  const proxy = await createModbusTcpProxy({
    listen: { host: '127.0.0.1', port: 0 }, upstream: { host: '127.0.0.1', port: server.port }, policy, deviceId: 'bench',
  });
  await run(server.port, WARMUP);
  await run(proxy.address.port, WARMUP);
  const direct = await run(server.port, N);
  const guarded = await run(proxy.address.port, N);
  console.log(`${N} sequential Read Holding Registers (10 registers), Node ${process.version}`);
  console.log(line('direct', direct));
  console.log(line('guarded', guarded));
  console.log(`overhead: median +${(guarded.medianUs - direct.medianUs).toFixed(1)} us, p99 +${(guarded.p99Us - direct.p99Us).toFixed(1)} us`);
  await proxy.close();
  await server.close();
}

void main();
