/* global process, console, setTimeout */
// Builds the web console (packages/console → packages/console/dist) when it is missing or older
// than its sources, so `npm start` serves a current console without a dev server.
// `--force` builds regardless. Concurrent runs (parallel tests) wait for one another.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const consoleDir = join(root, 'packages', 'console');
const dist = join(consoleDir, 'dist');
const lock = join(consoleDir, '.build-lock');
// What ends up in the bundle: the console itself and the client it talks through.
const SOURCES = [
  join(consoleDir, 'src'),
  join(consoleDir, 'public'),
  join(consoleDir, 'index.html'),
  join(consoleDir, 'vite.config.ts'),
  join(root, 'packages', 'client', 'src'),
];

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = s.mtimeMs;
  for (const name of readdirSync(p)) m = Math.max(m, newest(join(p, name)));
  return m;
}

export function consoleIsStale() {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return true;
  return Math.max(...SOURCES.map(newest)) > statSync(index).mtimeMs;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function withLock(fn) {
  const until = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than three minutes belongs to a build that died.
      if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > until) throw new Error(`another console build holds ${lock}`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function buildConsole({ force = false, quiet = false } = {}) {
  if (!force && !consoleIsStale()) return { built: false };
  return withLock(async () => {
    if (!force && !consoleIsStale()) return { built: false };
    const started = Date.now();
    const { build } = await import('vite');
    await build({ configFile: join(consoleDir, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
    if (!quiet) console.log(`console built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${dist}`);
    return { built: true };
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildConsole({ force: process.argv.includes('--force'), quiet: process.argv.includes('--quiet') }).catch((err) => {
    console.error(`console build failed: ${err.message}`);
    process.exit(1);
  });
}
