// The packaged agent's footprint: bundle, tarball and single-executable sizes, resident memory
// once online (idle, and with one Modbus guard proxy), and the time from starting the process to
// the hub showing the device online. The agent runs from the release as a device would get it.
//
//   node --import tsx bench/agent-footprint.bench.ts [--settle 5] [--no-sea]
//
// RSS is /proc/PID/status VmRSS, read `--settle` seconds after the device is online; start to
// online is the median of three starts. The bundle runs through the launcher install.sh writes;
// the executable is first dropped from the page cache, as an installed binary after a boot.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient, type OutpostClient } from '@outpost/client';
import { emitRows, startHubProcess, type Row } from './support.js';
import {
  dropFromPageCache,
  freePort,
  packageAgent,
  rssKb,
  startAgent,
  unpack,
} from '../packages/agent/test/support/packaged-agent.js';
import { eventually } from '../packages/hub/test/support/eventually.js';

const exec = promisify(execFile);
const args = process.argv.slice(2);
const i = args.indexOf('--settle');
const SETTLE_S = i >= 0 ? Number(args[i + 1]) : 5;
const SEA = !args.includes('--no-sea');
const log = (m: string) => console.error(`[agent-footprint] ${m}`);
const MB = 1024 * 1024;
const env = { PATH: '/usr/local/bin:/usr/bin:/bin' };

interface Run {
  onlineMs: number;
  rssMb: number;
  /** Anonymous memory only (RssAnon): the part the executable's file pages do not account for. */
  anonMb: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Enroll = (enrollArgs: string[], dir: string) => Promise<unknown>;

/** Enrolls `id` (through `enroll`), runs `command` and measures it; returns the figures and a way to run again. */
async function measure(admin: OutpostClient, hubUrl: string, id: string, command: string[], enroll: Enroll) {
  const dir = join(work, id);
  const tok = await admin.enrollment.createToken({ label: `footprint ${id}` });
  await enroll(['--hub', hubUrl, '--token', tok.token, '--ca-fingerprint', tok.caFingerprint, '--id', id], dir);
  const run = async (more: string[]): Promise<Run> => {
    const a = startAgent(command[0], [...command.slice(1), 'run', '--dir', dir, ...more], env);
    try {
      await eventually(async () => (await admin.devices.get(id)).presence === 'online', 60_000);
      const onlineMs = Date.now() - a.startedAt;
      await new Promise((r) => setTimeout(r, SETTLE_S * 1000));
      const anonKb = Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${a.pid}/status`, 'utf8'))![1]);
      return { onlineMs, rssMb: rssKb(a.pid) / 1024, anonMb: anonKb / 1024 };
    } finally {
      await a.stop();
      // A clean stop says offline; the next start waits for online again.
      await eventually(async () => (await admin.devices.get(id)).presence !== 'online', 60_000);
    }
  };
  // Start to online: the median of three starts (the first start also warms the hub's handlers).
  const runs = [await run([]), await run([]), await run([])];
  return { idle: { ...runs[2], onlineMs: median(runs.map((r) => r.onlineMs)) }, run };
}

const work = mkdtempSync(join(tmpdir(), 'outpost-agent-footprint-'));
const hub = await startHubProcess(join(work, 'data'));
try {
  log('packaging');
  const pkg = packageAgent(join(work, 'out'), { sea: SEA });
  const unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  const release = unpack(pkg.tarball, unpacked);
  const prefix = join(work, 'prefix');
  const session = (
    await createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem }).login('admin', 'bench-admin-password')
  ).session;
  const admin = createClient({ baseUrl: hub.httpUrl, caPem: hub.caPem, session });
  const rows: Row[] = [
    { scenario: 'agent-footprint', metric: 'bundle size', value: pkg.bundleBytes / MB, unit: 'MB' },
    { scenario: 'agent-footprint', metric: 'tarball size', value: pkg.tarballBytes / MB, unit: 'MB' },
  ];
  log('bundle, idle');
  // Installed as on a gateway (install.sh), run through the launcher it writes.
  const b = await measure(admin, hub.httpUrl, 'footprint-bundle', [join(prefix, 'bin/outpost-agent')], (a, dir) =>
    exec(join(release, 'install.sh'), [...a, '--prefix', prefix, '--state-dir', dir, '--no-systemd'], { env }),
  );
  log('bundle, one Modbus guard proxy');
  const guard = `modbus-tcp:127.0.0.1:${await freePort()}=127.0.0.1:${await freePort()}`;
  const g = await b.run(['--guard', guard]);
  rows.push(
    { scenario: 'agent-footprint', metric: 'bundle: start to online', value: b.idle.onlineMs, unit: 'ms' },
    { scenario: 'agent-footprint', metric: 'bundle: RSS idle', value: b.idle.rssMb, unit: 'MB' },
    { scenario: 'agent-footprint', metric: 'bundle: anonymous RSS idle', value: b.idle.anonMb, unit: 'MB' },
    { scenario: 'agent-footprint', metric: 'bundle: RSS with a guard proxy', value: g.rssMb, unit: 'MB' },
  );
  if (pkg.executable) {
    log('single executable, idle');
    const exe = pkg.executable;
    dropFromPageCache(exe);
    const s = await measure(admin, hub.httpUrl, 'footprint-sea', [exe], (a, dir) =>
      exec(exe, ['enroll', ...a, '--dir', dir], { env }),
    );
    rows.push(
      { scenario: 'agent-footprint', metric: 'executable size', value: pkg.executableBytes! / MB, unit: 'MB' },
      { scenario: 'agent-footprint', metric: 'executable: start to online', value: s.idle.onlineMs, unit: 'ms' },
      { scenario: 'agent-footprint', metric: 'executable: RSS idle', value: s.idle.rssMb, unit: 'MB' },
      { scenario: 'agent-footprint', metric: 'executable: anonymous RSS idle', value: s.idle.anonMb, unit: 'MB' },
    );
  }
  emitRows(rows);
  for (const r of rows) log(`${r.metric}: ${typeof r.value === 'number' ? r.value.toFixed(2) : r.value} ${r.unit}`);
} finally {
  await hub.stop();
  rmSync(work, { recursive: true, force: true });
}
