/* global process, console */
// Compiles every package's TypeScript (packages/<name>/src) to JavaScript (packages/<name>/dist)
// and builds the web console, so `npm start`, the `outpost` command and the processes tests start
// run plain JavaScript: no compiler at run time. Type checking is `npm run typecheck`; this only
// transpiles, file by file (import specifiers already name the .js file), which takes a second.
//
//   node scripts/build.mjs            build what is missing or older than its sources
//   node scripts/build.mjs --force    rebuild everything
//   node scripts/build.mjs --check    exit 1 when a build is missing or stale, build nothing
//   node scripts/build.mjs --no-console  only the Node packages
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildConsole, consoleIsStale } from './build-console.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Packages that run on Node; the console is a browser bundle with its own build. */
export const NODE_PACKAGES = ['protocol', 'guard', 'client', 'agent', 'sim', 'hub', 'cli'];
const STAMP = '.build-stamp';
// Test-only files stay out of dist: nothing at run time imports them.
const TEST_ONLY = /\.(test|int\.test|e2e\.test|bench)\.ts$/;

function sourcesOf(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) sourcesOf(p, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !TEST_ONLY.test(entry.name)) out.push(p);
  }
  return out;
}

function newestMtime(files) {
  let m = 0;
  for (const f of files) m = Math.max(m, statSync(f).mtimeMs);
  return m;
}

function packageState(name) {
  const pkg = join(root, 'packages', name);
  const src = join(pkg, 'src');
  const dist = join(pkg, 'dist');
  const files = sourcesOf(src);
  const stamp = join(dist, STAMP);
  // A deleted source leaves its old output behind; the file count in the stamp catches that.
  const stale =
    !existsSync(stamp) ||
    newestMtime([...files, join(pkg, 'package.json')]) > statSync(stamp).mtimeMs ||
    readStampCount(stamp) !== files.length;
  return { name, src, dist, files, stamp, stale };
}

function readStampCount(stamp) {
  try {
    return Number(JSON.parse(readFileSync(stamp, 'utf8')).files);
  } catch {
    return -1;
  }
}

async function compilePackage(state) {
  const { build } = await import('esbuild');
  rmSync(state.dist, { recursive: true, force: true });
  mkdirSync(state.dist, { recursive: true });
  await build({
    entryPoints: state.files,
    outdir: state.dist,
    outbase: state.src,
    bundle: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.json'),
  });
  writeFileSync(state.stamp, JSON.stringify({ files: state.files.length }) + '\n');
  // The stamp is newer than every source it was built from, even when a clock step went backwards.
  const t = new Date(Math.max(Date.now(), newestMtime(state.files) + 1));
  utimesSync(state.stamp, t, t);
}

/** Builds what is stale; returns the names of the packages it compiled. */
export async function buildAll({ force = false, quiet = false, consoleToo = true } = {}) {
  const started = Date.now();
  const states = NODE_PACKAGES.map(packageState).filter((s) => force || s.stale);
  for (const s of states) await compilePackage(s);
  if (!quiet && states.length > 0) {
    const files = states.reduce((n, s) => n + s.files.length, 0);
    const took = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`compiled ${files} files of ${states.map((s) => s.name).join(', ')} in ${took} s`);
  }
  if (consoleToo) await buildConsole({ force, quiet });
  return states.map((s) => s.name);
}

/** Names of what a run would build: packages (and `console`) whose output is missing or stale. */
export function staleParts({ consoleToo = true } = {}) {
  const parts = NODE_PACKAGES.map(packageState)
    .filter((s) => s.stale)
    .map((s) => s.name);
  if (consoleToo && consoleIsStale()) parts.push('console');
  return parts;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const run = args.includes('--check')
    ? Promise.resolve(staleParts()).then((parts) => {
        if (parts.length === 0) return;
        console.error(`stale build: ${parts.join(', ')} (run: npm run build)`);
        process.exitCode = 1;
      })
    : buildAll({
        force: args.includes('--force'),
        quiet: args.includes('--quiet'),
        consoleToo: !args.includes('--no-console'),
      });
  run.catch((err) => {
    console.error(`build failed: ${err.message}`);
    if (err.errors?.length) for (const e of err.errors) console.error(`  ${relative(root, e.location?.file ?? '')}`);
    process.exit(1);
  });
}
