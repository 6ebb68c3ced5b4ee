import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

export interface HubProcess {
  proc: ChildProcess;
  httpUrl: string;
  mqttPort: number;
  /** Wall-clock time (ms) at which the hub said it was listening, from its own banner. */
  readyAt: number;
  caPem: string;
  rssMb(): number;
  /** CPU seconds (user + system) the hub process has used so far. */
  cpuS(): number;
  stop(): Promise<void>;
}

// A benchmark that fails part-way must not leave a hub running behind it.
const started = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of started) p.kill('SIGKILL');
});

/**
 * Extra Node flags for the hub process, e.g. `OUTPOST_BENCH_HUB_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`,
 * or `"--import tsx --import <root>/bench/sqlite-timing.ts"` with OUTPOST_BENCH_HUB_STDERR=<file> for the tally.
 */
function hubNodeArgs(): string[] {
  return (process.env.OUTPOST_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
}

/** Starts `outpost hub` as its own process, so its memory and CPU are measured apart from the load. */
export async function startHubProcess(
  dataDir: string,
  env: Record<string, string> = {},
  nodeArgs: string[] = hubNodeArgs(),
): Promise<HubProcess> {
  const proc = spawn(process.execPath, [...nodeArgs, join(root, 'packages/cli/dist/main.js'), 'hub'], {
    cwd: root,
    env: {
      ...process.env,
      OUTPOST_DATA_DIR: dataDir,
      OUTPOST_HTTP_PORT: '0',
      OUTPOST_MQTT_PORT: '0',
      OUTPOST_ADMIN_PASSWORD: 'bench-admin-password',
      OUTPOST_LOG_LEVEL: 'warn',
      OUTPOST_PRESENCE_SWEEP_MS: '5000',
      // The benchmarks measure what the hub can carry, not its per-caller and per-device limits.
      OUTPOST_API_REQUESTS_PER_MINUTE: '1000000',
      OUTPOST_DEVICE_MESSAGES_PER_MINUTE: '600000',
      OUTPOST_DEVICE_MESSAGE_BURST: '100000',
      ...env,
    },
    stdio: ['ignore', process.env.OUTPOST_BENCH_HUB_STDOUT ? 'pipe' : 'ignore', 'pipe'],
  });
  started.add(proc);
  proc.once('exit', () => started.delete(proc));
  const banner = await new Promise<string>((res, rej) => {
    let text = '';
    const t = setTimeout(() => rej(new Error(`hub did not start: ${text}`)), 60_000);
    proc.stderr!.on('data', (c: Buffer) => {
      text += c.toString();
      if (/CA fingerprint/.test(text)) {
        clearTimeout(t);
        res(text);
      }
    });
  });
  // What the hub writes after its banner (warnings, or bench/sqlite-timing.ts's tally at exit), kept in a file
  // when asked: OUTPOST_BENCH_HUB_STDERR=/tmp/hub.log.
  const keep = process.env.OUTPOST_BENCH_HUB_STDERR;
  proc.stderr!.removeAllListeners('data');
  if (keep) proc.stderr!.on('data', (c: Buffer) => appendFileSync(keep, c));
  else proc.stderr!.resume();
  const httpUrl = /console and API: (\S+?)\/\s/.exec(banner)![1];
  const mqttPort = Number(/device broker:\s+mqtts:\/\/[^:]+:(\d+)/.exec(banner)![1]);
  const readyAt = Date.parse(/listening since: (\S+)/.exec(banner)?.[1] ?? '') || Date.now();
  return {
    proc,
    httpUrl,
    mqttPort,
    readyAt,
    cpuS: () => {
      const f = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(f[11]) + Number(f[12])) / 100;
    },
    caPem: readFileSync(join(dataDir, 'pki', 'ca.crt'), 'utf8'),
    rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024,
    stop: () =>
      new Promise((res) => {
        proc.once('exit', () => res());
        proc.kill('SIGTERM');
      }),
  };
}

/**
 * Times `requests` calls of `request` (given its index) made by `concurrency` callers side by side;
 * each call's time in milliseconds, sorted, with its p50 and p99.
 */
export async function timeConcurrentRequests(
  requests: number,
  concurrency: number,
  request: (i: number) => Promise<unknown>,
): Promise<{ sortedMs: number[]; p50: number; p99: number }> {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const t = performance.now();
        await request(i);
        times.push(performance.now() - t);
      }
    }),
  );
  const sortedMs = times.sort((a, b) => a - b);
  return { sortedMs, p50: percentile(sortedMs, 50), p99: percentile(sortedMs, 99) };
}

/** The machine's CPU time so far, all cores together (from /proc/stat, in clock ticks): idle and total. */
export function machineCpu(): { idle: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = fields.map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are time no process ran.
  return { idle: n[3] + (n[4] ?? 0), total: n.slice(0, 8).reduce((a, x) => a + x, 0) };
}

/** Share of the machine's cores left idle between two readings of `machineCpu`. */
export const idleShare = (a: { idle: number; total: number }, b: { idle: number; total: number }): number =>
  b.total > a.total ? (b.idle - a.idle) / (b.total - a.total) : 1;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function machine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

export interface Row {
  scenario: string;
  metric: string;
  value: number | string;
  unit: string;
  /** What a user would run instead, measured in the same run, in the same unit. */
  baseline?: { name: string; value: number };
}

/** value ÷ baseline: the headline figure of a row that has a baseline. */
export const ratioOf = (r: Row): number | null =>
  r.baseline && typeof r.value === 'number' && r.baseline.value > 0 ? r.value / r.baseline.value : null;

/** Marks the line on which a standalone benchmark hands its figures to `bench/run.ts`. */
export const ROWS_MARK = '@@outpost-bench-rows ';

/** Prints a standalone benchmark's figures so that `bench/run.ts`, running it as a child process, can table them. */
export function emitRows(rows: Row[]) {
  console.log(`${ROWS_MARK}${JSON.stringify(rows)}`);
}

const fmt = (v: number | string) => (typeof v === 'number' ? String(round(v)) : v);

/** One row of a results table: value, unit, the baseline measured in the same run, and the ratio to it. */
export function tableLine(r: Row): string {
  const ratio = ratioOf(r);
  const base = r.baseline ? `${fmt(r.baseline.value)} ${r.unit} (${r.baseline.name})` : '';
  return `| ${r.scenario} | ${r.metric} | ${fmt(r.value)} | ${r.unit} | ${base} | ${ratio === null ? '' : `${round(ratio)}×`} |`;
}

export const TABLE_HEAD = [
  '| scenario | metric | value | unit | baseline (same run) | ratio |',
  '|---|---|---|---|---|---|',
];

export function writeResults(name: string, rows: Row[], extra: Record<string, unknown> = {}) {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const m = machine();
  const at = new Date().toISOString();
  const history = recordHistory(join(dir, `${name}.history.json`), at, rows);
  const md = [
    `# Outpost benchmark: ${name}`,
    '',
    `${at} · commit ${commit()} · ${m.cpu} · ${m.cores} cores · ${m.memoryGb} GiB · Node ${m.node}`,
    '',
    ...TABLE_HEAD,
    ...rows.map(tableLine),
    '',
    ...historyTable(history),
  ].join('\n');
  writeFileSync(join(dir, `${name}.md`), md);
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ machine: m, at, commit: commit(), rows, ...extra }, null, 2),
  );
  console.log(md);
}

export interface HistoryEntry {
  at: string;
  commit: string;
  ratios: Record<string, number>;
}
const HISTORY_RUNS = 10;

/** Keeps the headline ratios of the last ten runs, so a regression shows beside the figure. */
export function recordHistory(file: string, at: string, rows: Row[]): HistoryEntry[] {
  let past: HistoryEntry[] = [];
  try {
    past = JSON.parse(readFileSync(file, 'utf8')) as HistoryEntry[];
  } catch {
    // first run, or an unreadable file: start again
  }
  const all = appendHistory(past, { at, commit: commit(), rows });
  writeFileSync(file, JSON.stringify(all, null, 2));
  return all;
}

/** The history with one more run: the ratio of each of its rows that has a baseline, by metric; the last ten runs. */
export function appendHistory(past: HistoryEntry[], run: { at: string; commit: string; rows: Row[] }): HistoryEntry[] {
  const ratios: Record<string, number> = {};
  for (const r of run.rows) {
    const ratio = ratioOf(r);
    if (ratio !== null) ratios[r.metric] = round(ratio);
  }
  return [...past, { at: run.at, commit: run.commit, ratios }].slice(-HISTORY_RUNS);
}

export function historyTable(history: HistoryEntry[]): string[] {
  const metrics = [...new Set(history.flatMap((h) => Object.keys(h.ratios)))];
  if (!metrics.length) return [];
  return [
    `## Ratios to the baselines, last ${HISTORY_RUNS} runs`,
    '',
    `| date | commit | ${metrics.join(' | ')} |`,
    `|---|---|${metrics.map(() => '---|').join('')}`,
    ...history.map(
      (h) =>
        `| ${h.at.slice(0, 16)} | ${h.commit} | ${metrics.map((k) => (k in h.ratios ? `${h.ratios[k]}×` : '')).join(' | ')} |`,
    ),
    '',
  ];
}

export function commit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

const round = (n: number) => (Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100);
