// Runs Outpost's tests in tiers with node:test:
//   unit         *.test.ts      no sockets, no child processes (enforced by testing/unit-guard.mjs)
//   integration  *.int.test.ts  a real hub on ephemeral ports with a temporary data directory
//   e2e          *.e2e.test.ts  real third-party tools: Chromium, pymodbus, mbpoll, mosquitto, tshark, …
// Usage: node scripts/run-tests.mjs [--tier unit|integration|e2e|all] [path substrings…]
// With CI=true a skipped test fails the run: CI installs every tool, so a skip there hides a gap.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildAll } from './build.mjs';

const ROOTS = ['packages', 'scripts', 'bench'];
const TIERS = ['unit', 'integration', 'e2e'];
const GUARD = fileURLToPath(new URL('./testing/unit-guard.mjs', import.meta.url));
// A bound on each test file (the unit tier is one file): a hang ends the run instead of CI's clock.
// End-to-end files drive Chromium or spawn the outpost command many times, two at a time.
const FILE_TIMEOUT_MS = { unit: 300_000, integration: 180_000, e2e: 300_000 };

export function tierOf(file) {
  if (file.endsWith('.e2e.test.ts')) return 'e2e';
  if (file.endsWith('.int.test.ts')) return 'integration';
  return 'unit';
}

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

function parseArgs(argv) {
  let tier = 'all';
  const filters = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tier') tier = argv[++i];
    else if (argv[i].startsWith('--tier=')) tier = argv[i].slice('--tier='.length);
    else filters.push(argv[i]);
  }
  if (tier !== 'all' && !TIERS.includes(tier)) {
    console.error(`unknown tier "${tier}": use ${TIERS.join(', ')} or all`);
    process.exit(2);
  }
  return { tiers: tier === 'all' ? TIERS : [tier], filters };
}

// The numbers of one tier's run, read from its TAP report.
function summarise(tapFile) {
  const text = readFileSync(tapFile, 'utf8');
  const count = (key) => lastCount(text, key);
  const skipped = [...text.matchAll(/^\s*ok \d+ - (.*) # SKIP(.*)$/gm)].map((m) => `${m[1]}:${m[2]}`);
  return { pass: count('pass'), fail: count('fail') + count('cancelled'), skip: count('skipped'), skipped };
}

// node:test ends its report with one `# key N` line per figure; the last one is the run's.
function lastCount(text, key) {
  const re = new RegExp(`^# ${key} (\\d+)$`, 'gm');
  let total = 0;
  for (const m of text.matchAll(re)) total = Number(m[1]);
  return total;
}

// Unit tests share one process: they hold no sockets, processes or ports, and compiling the
// shared modules once instead of once per file is most of the tier's time.
function oneEntry(files, workDir) {
  const entry = join(workDir, 'unit-tests.mjs');
  writeFileSync(entry, files.map((f) => `await import(${JSON.stringify(pathToFileURL(resolve(f)).href)});`).join('\n'));
  return [entry];
}

function runTier(tier, files, workDir) {
  const tap = join(workDir, `${tier}.tap`);
  // Test code runs from TypeScript (`source` picks each package's src/ entry); the processes
  // tests start (`outpost`, the simulator's workers) run the compiled dist/ built below.
  const args = ['--import', 'tsx', '--conditions=source'];
  if (tier === 'unit') args.push('--import', GUARD);
  const targets = tier === 'unit' ? oneEntry(files, workDir) : files;
  args.push('--test', '--test-concurrency=2', `--test-timeout=${FILE_TIMEOUT_MS[tier]}`);
  args.push('--test-reporter=tap', '--test-reporter-destination=stdout');
  args.push('--test-reporter=tap', `--test-reporter-destination=${tap}`);
  console.log(`\n# tier ${tier}: ${files.length} files`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [...args, ...targets], { stdio: 'inherit' });
  const s = summarise(tap);
  return { tier, files: files.length, status: r.status ?? 1, seconds: (Date.now() - started) / 1000, ...s };
}

async function main() {
  const { tiers, filters } = parseArgs(process.argv.slice(2));
  let files = ROOTS.flatMap((r) => walk(r, [])).sort();
  if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
  const byTier = tiers.map((t) => [t, files.filter((f) => tierOf(f) === t)]).filter(([, fs]) => fs.length > 0);
  if (byTier.length === 0) {
    console.error('no test files matched');
    process.exit(1);
  }
  await buildAll({ quiet: true, consoleToo: false });
  const workDir = mkdtempSync(join(tmpdir(), 'outpost-tests-'));
  const results = [];
  try {
    for (const [tier, fs] of byTier) results.push(runTier(tier, fs, workDir));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const strict = process.env.CI === 'true';
  console.log('\n# tier          files   passed  failed  skipped  seconds');
  for (const r of results) {
    const cells = [r.tier.padEnd(12), r.files, r.pass, r.fail, r.skip, r.seconds.toFixed(1)];
    console.log(
      `# ${cells[0]} ${cells
        .slice(1)
        .map((c, i) => String(c).padStart([6, 8, 7, 8, 8][i]))
        .join('')}`,
    );
  }
  const skipped = results.flatMap((r) => r.skipped);
  if (strict && skipped.length) {
    console.log('\n# CI=true: these tests skipped, and a skip in CI means a missing tool or setup:');
    for (const s of skipped) console.log(`#   ${s}`);
  }
  const total = (k) => results.reduce((n, r) => n + r[k], 0);
  const failed = total('fail') + (strict ? skipped.length : 0);
  const crashed = results.some((r) => r.status !== 0);
  console.log(`\ntests: ${total('pass')} passed, ${failed} failed, ${total('skip')} skipped`);
  process.exit(failed > 0 || crashed ? 1 : 0);
}

await main();
