// `outpost guard inspect --json` against `tshark -T fields` on the largest capture of the shared
// test data: wall time and CPU time of each, best of a few runs (the machine is shared).
// Run: node --import tsx bench/guard-inspect.bench.ts [runs]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROWS_MARK, root } from './support.js';

const RUNS = Number(process.argv[2] ?? 3);
const testdata = resolve(root, '..', 'shared', 'testdata');

function largestCapture(): string | undefined {
  if (!existsSync(testdata)) return undefined;
  const files = ['modbus', 'dnp3'].flatMap((d) =>
    existsSync(join(testdata, d)) ? readdirSync(join(testdata, d)).map((f) => join(testdata, d, f)) : [],
  );
  return files.filter((f) => /\.pcap(ng)?$/.test(f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

interface Timing {
  wallMs: number;
  cpuMs: number;
  lines: number;
}

// One run of a command with stdout counted (not kept): wall time, and user+system CPU of the child.
function timed(cmd: string, args: string[]): Promise<Timing> {
  return new Promise((done, fail) => {
    const t0 = process.hrtime.bigint();
    const p = spawn('/usr/bin/time', ['-f', '@@cpu %U %S', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let err = '';
    p.stdout.on('data', (c: Buffer) => {
      for (const b of c) if (b === 10) lines++;
    });
    p.stderr.on('data', (c: Buffer) => (err += c.toString()));
    p.on('error', fail);
    p.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = /@@cpu ([\d.]+) ([\d.]+)/.exec(err);
      if (code !== 0 || !m) return fail(new Error(`${cmd} failed (${code}): ${err.slice(-300)}`));
      done({ wallMs, cpuMs: (Number(m[1]) + Number(m[2])) * 1000, lines });
    });
  });
}

async function best(cmd: string, args: string[]): Promise<Timing> {
  const runs: Timing[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timed(cmd, args));
  return runs.sort((a, b) => a.wallMs - b.wallMs)[0];
}

async function main(): Promise<void> {
  const file = largestCapture();
  const tshark = spawnSync('sh', ['-c', 'command -v tshark && command -v /usr/bin/time']).status === 0;
  if (!file || !tshark) {
    console.log(`skipped: ${file ? 'tshark or /usr/bin/time not installed' : `no captures in ${testdata}`}`);
    return;
  }
  const cli = join(root, 'packages', 'cli', 'dist', 'main.js');
  const outpost = await best(process.execPath, [cli, 'guard', 'inspect', '--json', file]);
  const fields = ['frame.number', 'mbtcp.trans_id', 'mbtcp.unit_id', 'modbus.func_code', 'dnp3.al.func'];
  const reference = await best('tshark', ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
  const mb = (statSync(file).size / 1e6).toFixed(1);
  console.log(`${file} (${mb} MB), best of ${RUNS}`);
  const show = (name: string, t: Timing) =>
    console.log(
      `${name.padEnd(22)} wall ${t.wallMs.toFixed(0).padStart(6)} ms   cpu ${t.cpuMs.toFixed(0).padStart(6)} ms   ${t.lines} lines`,
    );
  show('outpost guard inspect', outpost);
  show('tshark -T fields', reference);
  console.log(
    `outpost / tshark: wall ${(outpost.wallMs / reference.wallMs).toFixed(2)}x, cpu ${(outpost.cpuMs / reference.cpuMs).toFixed(2)}x`,
  );
  const scenario = `guard inspect vs tshark (${mb} MB capture)`;
  const vsTshark = (value: number) => ({ name: 'tshark -T fields', value });
  console.log(
    `${ROWS_MARK}${JSON.stringify([
      { scenario, metric: 'outpost wall', value: outpost.wallMs, unit: 'ms', baseline: vsTshark(reference.wallMs) },
      { scenario, metric: 'outpost cpu', value: outpost.cpuMs, unit: 'ms', baseline: vsTshark(reference.cpuMs) },
    ])}`,
  );
}

await main();
