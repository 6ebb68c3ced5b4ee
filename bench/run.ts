import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROWS_MARK, root, type Row } from './support.js';
import { mergeLatest } from './latest-results.js';
import { connectScenario } from './connect.bench.js';
import { ingestScenario } from './ingest.bench.js';

// `npm run bench` runs everything at full size (about ten minutes, plus a one-time enrollment
// of the device identities); `npm run bench -- --quick` runs a small version in about a minute.
// Pick scenarios with `--only` and a comma-separated list of SCENARIOS (all by default);
// sizes with --devices (connect without its reconnect storm: --no-storm), --publishers (and --publisher-procs), --inventory. The others run their own scripts
// (bench/*.bench.ts, the guard's in packages/agent) as child processes at a quick or full size.
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const value = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const num = (flag: string, dflt: number) => Number(value(flag) ?? dflt);
const SCENARIOS = [
  'connect',
  'connections',
  'ingest',
  'api',
  'compliance',
  'rollouts',
  'alerts',
  'guard',
  'access',
  'agent',
  'renewal',
  'files',
  'diagnostics',
  'automations',
  'streams',
  'cellular',
  'scale',
];
const only = new Set((value('--only') ?? SCENARIOS.join(',')).split(','));
const log = (m: string) => console.error(`[bench] ${m}`);

const rows: Row[] = [];
/** Where each scenario's rows begin in `rows`: a scenario's block starts with `begin(name)`. */
const starts: Array<{ name: string; from: number }> = [];
const begin = (name: string): boolean => {
  if (!only.has(name)) return false;
  starts.push({ name, from: rows.length });
  return true;
};
if (begin('connect')) {
  const devices = num('--devices', quick ? 200 : 10_000);
  log(`connect and reconnect storm: ${devices} devices`);
  rows.push(...(await connectScenario(devices, log, { storm: !args.includes('--no-storm') })));
}
if (begin('ingest')) {
  const publishers = num('--publishers', quick ? 50 : 500);
  const rates = quick ? [1000, 2000, 4000, 8000] : [1000, 2000, 4000, 8000, 12000, 16000, 24000, 32000, 48000];
  const procs = num('--publisher-procs', 2);
  log(`ingest: ${publishers} publishers in ${procs} processes, rates ${rates.join(', ')} msg/s`);
  rows.push(...(await ingestScenario(publishers, rates, log, procs)));
}
/** Runs a standalone benchmark script and collects the rows it prints after ROWS_MARK. */
function child(script: string, childArgs: string[]): Promise<Row[]> {
  log(`${script} ${childArgs.join(' ')}`);
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', join(root, script), ...childArgs], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const found: Row[] = [];
    let text = '';
    p.stdout.on('data', (c: Buffer) => {
      text += c.toString();
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const l of lines)
        if (l.startsWith(ROWS_MARK)) found.push(...(JSON.parse(l.slice(ROWS_MARK.length)) as Row[]));
    });
    p.on('exit', (code) => {
      if (code !== 0) found.push({ scenario: script, metric: 'failed', value: `exit ${code}`, unit: '' });
      resolve(found);
    });
  });
}
const size = (q: string[], full: string[]) => (quick ? q : full);
if (begin('connections'))
  rows.push(...(await child('bench/connection-cost.bench.ts', ['--devices', quick ? '500' : '5000'])));
if (begin('api')) {
  const inventory = num('--inventory', quick ? 10_000 : 100_000);
  log(`api: ${inventory} devices in the inventory`);
  rows.push(
    ...(await child('bench/api.bench.ts', [
      '--inventory',
      String(inventory),
      '--requests',
      quick ? '300' : '2000',
      '--concurrency',
      '4',
    ])),
  );
}
if (begin('compliance'))
  rows.push(
    ...(await child(
      'bench/configs.bench.ts',
      size(
        ['--devices', '1000', '--keys', '50', '--sim', '10', '--samples', '5'],
        ['--devices', '10000,100000', '--keys', '50', '--sim', '50', '--samples', '30'],
      ),
    )),
  );
if (begin('rollouts')) {
  rows.push(
    ...(await child('bench/rollouts.bench.ts', ['--scenario', 'control', '--devices', quick ? '500' : '5000'])),
  );
  rows.push(
    ...(await child('bench/rollouts.bench.ts', [
      '--scenario',
      'fleet',
      ...size(['--devices', '10', '--mb', '1'], ['--devices', '200', '--mb', '10']),
    ])),
  );
}
if (begin('alerts'))
  rows.push(
    ...(await child(
      'bench/monitoring.bench.ts',
      size(
        ['--devices', '1000', '--runs', '3', '--delays', '2', '--fast-only'],
        ['--devices', '10000', '--runs', '5', '--delays', '5'],
      ),
    )),
  );
if (begin('guard')) {
  rows.push(...(await child('packages/agent/src/ot-guard/guard-overhead.bench.ts', [quick ? '4000' : '20000'])));
  rows.push(...(await child('bench/guard-inspect.bench.ts', [quick ? '1' : '3'])));
}
if (begin('access'))
  rows.push(
    ...(await child('bench/access.bench.ts', size(['--mb', '16', '--rtt', '200'], ['--mb', '64', '--rtt', '1000']))),
  );
if (begin('agent'))
  rows.push(...(await child('bench/agent-footprint.bench.ts', size(['--settle', '2'], ['--settle', '5']))));
if (begin('automations'))
  rows.push(...(await child('bench/automations.bench.ts', ['--devices', quick ? '200' : '1000'])));
if (begin('streams'))
  rows.push(
    ...(await child(
      'bench/streams.bench.ts',
      size(
        ['--devices', '200', '--rounds', '3', '--days', '7'],
        ['--devices', '1000', '--points', '20', '--rounds', '10'],
      ),
    )),
  );
if (begin('cellular'))
  rows.push(
    ...(await child(
      'bench/cellular.bench.ts',
      size(
        ['--sims', '10000', '--geo', '10000', '--queries', '20'],
        ['--sims', '100000', '--geo', '100000,1000000', '--queries', '40'],
      ),
    )),
  );
if (begin('renewal'))
  rows.push(
    ...(await child(
      'bench/cert-renewal.bench.ts',
      size(['--devices', '50', '--cert-seconds', '30', '--duration', '60'], ['--devices', '50', '--duration', '600']),
    )),
  );
if (begin('files'))
  rows.push(
    ...(await child(
      'bench/files.bench.ts',
      size(['--devices', '20', '--mb', '10'], ['--devices', '100', '--mb', '10']),
    )),
  );
if (begin('diagnostics'))
  rows.push(
    ...(await child(
      'bench/diagnostics.bench.ts',
      size(['--devices', '500', '--runs', '2'], ['--devices', '1000', '--runs', '3']),
    )),
  );
if (begin('scale'))
  rows.push(
    ...(await child('bench/scale.bench.ts', [
      '--devices',
      String(num('--devices', quick ? 2000 : 100_000)),
      ...size(
        ['--publishers', '100', '--rates', '500,1000,2000,4000', '--inventory', '1000000', '--list-requests', '200'],
        ['--publishers', '400', '--rates', '1000,2000,4000,8000,16000', '--inventory', '1000000'],
      ),
    ])),
  );
// Each scenario run replaces its own part of the latest table at its size; the other parts stay as they were.
const measured = starts.map((s, i) => ({ name: s.name, rows: rows.slice(s.from, starts[i + 1]?.from ?? rows.length) }));
mergeLatest(quick ? 'latest-quick' : 'latest', measured, SCENARIOS);
process.exit(0);
