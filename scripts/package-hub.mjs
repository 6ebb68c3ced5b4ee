/* global process, console */
// `npm run package:hub`: the hub and the `outpost` command as an installable tarball for a Linux
// host with Node.js 20, built from this checkout:
//
//   dist/hub/outpost-hub-<version>-linux-<arch>.tar.gz
//     outpost-hub-<version>-linux-<arch>/
//       app/              package.json, packages/<name>/{package.json,dist/}, the console's dist/,
//                         node_modules/ with the production dependencies only (native modules
//                         built for this machine's Node ABI), workspace packages as symlinks
//       bin/outpost       runs app/packages/cli/dist/main.js with the Node.js on PATH
//       outpost-hub.service, install.sh, uninstall.sh, INSTALL.md, BUILD-INFO.json
//
// Usage: node scripts/package-hub.mjs [--out DIR]
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { arch } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAll, NODE_PACKAGES } from './build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const deploy = join(root, 'deploy', 'hub');
// What the hub host runs: the CLI (which starts the hub) and everything it imports at run time.
// The console ships as its built bundle; the simulator and agent come along because
// `outpost sim` and `outpost agent` are part of the same command.
const RUNTIME_PACKAGES = NODE_PACKAGES;
// Parts of dependencies nothing loads at run time (sources of native builds, docs, tests).
const PRUNE = ['test', 'tests', 'docs', '.github', 'benchmark', 'benchmarks', 'example', 'examples'];

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

/** Where Node would find `name` from `fromDir`: the nearest node_modules up the tree. */
function locate(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return null;
  }
}

/** Every third-party package directory the runtime packages need, with their own dependencies. */
function productionClosure() {
  const found = new Set();
  const queue = RUNTIME_PACKAGES.map((p) => join(root, 'packages', p));
  while (queue.length > 0) {
    const dir = queue.shift();
    const manifest = readJson(join(dir, 'package.json'));
    const wanted = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    for (const name of wanted) {
      if (name.startsWith('@outpost/')) continue;
      const at = locate(name, dir);
      // Optional and peer dependencies may be absent (another platform's native build).
      if (!at) {
        if (manifest.dependencies?.[name]) throw new Error(`${name} (needed by ${manifest.name}) is not installed`);
        continue;
      }
      if (found.has(at)) continue;
      found.add(at);
      queue.push(at);
    }
  }
  return [...found].sort();
}

function copyDependency(from, appDir) {
  const to = join(appDir, relative(root, from));
  // A native addon built on this machine: only its compiled .node file is needed, not its C sources.
  const native = existsSync(join(from, 'binding.gyp'));
  cpSync(from, to, {
    recursive: true,
    dereference: true,
    filter: (src) => {
      const rel = relative(from, src);
      if (rel === '') return true;
      // Nested node_modules are copied on their own when something needs them.
      if (rel === 'node_modules' || rel.startsWith('node_modules/')) return false;
      if (PRUNE.includes(rel) || /\.(md|map|[cm]?ts)$/.test(rel)) return false;
      if (native && (rel === 'src' || rel === 'deps')) return false;
      if (native && (rel === 'build' || rel.startsWith('build/')))
        return ['build', 'build/Release'].includes(rel) || /^build\/Release\/(?!test_)[^/]+\.node$/.test(rel);
      return true;
    },
  });
}

function copyWorkspace(appDir) {
  for (const name of RUNTIME_PACKAGES) {
    const from = join(root, 'packages', name);
    const to = join(appDir, 'packages', name);
    mkdirSync(to, { recursive: true });
    copyFileSync(join(from, 'package.json'), join(to, 'package.json'));
    cpSync(join(from, 'dist'), join(to, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
    // Workspace packages resolve as they do in the checkout: node_modules/@outpost/<name> → packages/<name>.
    mkdirSync(join(appDir, 'node_modules', '@outpost'), { recursive: true });
    symlinkSync(join('..', '..', 'packages', name), join(appDir, 'node_modules', '@outpost', name));
  }
  const consoleDist = join(root, 'packages', 'console', 'dist');
  cpSync(consoleDist, join(appDir, 'packages', 'console', 'dist'), { recursive: true });
  const rootManifest = readJson(join(root, 'package.json'));
  writeFileSync(
    join(appDir, 'package.json'),
    JSON.stringify(
      {
        name: rootManifest.name,
        version: rootManifest.version,
        private: true,
        type: 'module',
        license: rootManifest.license,
      },
      null,
      2,
    ) + '\n',
  );
}

export async function packageHub({ out = join(root, 'dist', 'hub') } = {}) {
  await buildAll({ quiet: true });
  const version = readJson(join(root, 'package.json')).version;
  const name = `outpost-hub-${version}-linux-${arch()}`;
  const stage = join(out, name);
  rmSync(stage, { recursive: true, force: true });
  const appDir = join(stage, 'app');
  mkdirSync(appDir, { recursive: true });
  copyWorkspace(appDir);
  const deps = productionClosure();
  for (const dir of deps) copyDependency(dir, appDir);
  for (const file of ['outpost-hub.service', 'install.sh', 'uninstall.sh'])
    copyFileSync(join(deploy, file), join(stage, file));
  copyFileSync(join(root, 'docs', 'INSTALL-HUB.md'), join(stage, 'INSTALL.md'));
  mkdirSync(join(stage, 'bin'));
  copyFileSync(join(deploy, 'outpost'), join(stage, 'bin', 'outpost'));
  for (const f of ['install.sh', 'uninstall.sh', 'bin/outpost']) chmodSync(join(stage, f), 0o755);
  // Native modules are built for one Node ABI; install.sh refuses another.
  const info = {
    version,
    arch: arch(),
    nodeAbi: process.versions.modules,
    node: process.version,
    dependencies: deps.length,
  };
  writeFileSync(join(stage, 'BUILD-INFO.json'), JSON.stringify(info, null, 2) + '\n');
  const tarball = join(out, `${name}.tar.gz`);
  const tar = spawnSync('tar', ['-czf', tarball, '-C', out, name], { stdio: 'inherit' });
  if (tar.status !== 0) throw new Error('tar failed');
  return { tarball, stage, name, bytes: statSync(tarball).size, dependencies: deps.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--out');
  packageHub(i > 0 ? { out: process.argv[i + 1] } : {})
    .then((r) =>
      console.log(
        `${relative(process.cwd(), r.tarball)}: ${(r.bytes / 1024 / 1024).toFixed(1)} MB, ${r.dependencies} dependencies`,
      ),
    )
    .catch((err) => {
      console.error(`packaging failed: ${err.message}`);
      process.exit(1);
    });
}
