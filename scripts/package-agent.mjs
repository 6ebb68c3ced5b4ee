/* global process, console, URL */
// Builds the device agent's release into dist/agent/:
//   outpost-agent-<version>-linux-<arch>.tar.gz  one bundled file (outpost-agent.cjs), the systemd
//                                               unit, the launcher, install.sh, uninstall.sh, VERSION
//                                               (also the artifact of kind `agent` a rollout sends)
//   outpost-agent-<version>-linux-<arch>         a single executable (Node's SEA): no Node needed
//   SHA256SUMS
// The bundle is checked through esbuild's metafile: no hub, CLI, console, simulator or client
// code, no native addon, nothing required at run time but Node's own modules. Usage:
//   node scripts/package-agent.mjs [--out DIR] [--no-sea] [--json] [--version SEMVER] [--entry FILE]
// --version builds the agent as that version; --entry bundles another entry point (a test's
// deliberately broken release).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { builtinModules, createRequire } from 'node:module';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGING = join(ROOT, 'packages', 'agent', 'packaging');
const BUNDLE_BUDGET_BYTES = 3 * 1024 * 1024;
// ws loads these optional native helpers inside try/catch and works without them. They are
// replaced by a module that throws, so nothing but Node's own modules is required at run time
// (a single executable warns on any other require).
const LEFT_OUT = ['bufferutil', 'utf-8-validate'];
const leaveOut = {
  name: 'leave-out-optional-native',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${LEFT_OUT.join('|')})$`) }, (a) => ({ path: a.path, namespace: 'left-out' }));
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, (a) => ({
      contents: `throw new Error(${JSON.stringify(`${a.path} is left out of the agent`)});`,
      loader: 'js',
    }));
  },
};
const FORBIDDEN_INPUTS = [
  /(^|\/)packages\/(hub|cli|console|sim|client)\//,
  /\.node$/,
  /node_modules\/(better-sqlite3|@node-rs|argon2|@peculiar|reflect-metadata|commander)\//,
];
// Node's single-executable fuse (nodejs.org/api/single-executable-applications.html).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.error?.message ?? ''}${r.stderr ?? ''}`);
  return r.stdout;
}

/** One minified CommonJS file for Node 20: SEA needs CommonJS, and the tarball uses the same file. */
async function bundle(outfile, o = {}) {
  const r = await build({
    entryPoints: [o.entry ? resolve(o.entry) : join(ROOT, 'packages/agent/src/main.ts')],
    define: o.version ? { OUTPOST_AGENT_VERSION: JSON.stringify(o.version) } : {},
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    metafile: true,
    // Workspace packages from their TypeScript sources, whatever state their dist/ is in.
    conditions: ['source'],
    plugins: [leaveOut],
    logLevel: 'warning',
  });
  writeFileSync(`${outfile}.meta.json`, JSON.stringify(r.metafile));
  return r.metafile;
}

/** Throws naming every input or run-time import that must not be in a device's agent. */
export function checkBundle(metafile) {
  const bad = Object.keys(metafile.inputs).filter((p) => FORBIDDEN_INPUTS.some((re) => re.test(p)));
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const imports = Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external));
  const foreign = imports.map((i) => i.path).filter((p) => !builtins.has(p));
  const problems = [...bad.map((p) => `bundled: ${p}`), ...foreign.map((p) => `required at run time: ${p}`)];
  if (problems.length)
    throw new Error(`the agent bundle holds what a device must not get:\n  ${problems.join('\n  ')}`);
}

function tarGz(stageParent, dirName, outFile) {
  // Reproducible: sorted names, fixed owner, the commit's time, and gzip without a timestamp.
  const epoch = process.env.SOURCE_DATE_EPOCH ?? (gitCommitTime() || '0');
  const tar = spawnSync(
    'tar',
    [
      '--sort=name',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      `--mtime=@${epoch}`,
      '-C',
      stageParent,
      '-cf',
      '-',
      dirName,
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  writeFileSync(outFile, gzipSync(tar.stdout, { level: 9 }));
}

function gitCommitTime() {
  const r = spawnSync('git', ['log', '-1', '--format=%ct'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

function singleExecutable(bundleFile, exeFile, workDir) {
  const blob = join(workDir, 'sea-prep.blob');
  const config = join(workDir, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: bundleFile, output: blob, disableExperimentalSEAWarning: true }));
  run(process.execPath, ['--experimental-sea-config', config], { cwd: workDir });
  copyFileSync(process.execPath, exeFile);
  chmodSync(exeFile, 0o755);
  const postject = join(dirname(createRequire(import.meta.url).resolve('postject/package.json')), 'dist', 'cli.js');
  run(process.execPath, [postject, exeFile, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function main() {
  const { values: opts } = parseArgs({
    options: {
      out: { type: 'string' },
      'no-sea': { type: 'boolean' },
      json: { type: 'boolean' },
      version: { type: 'string' },
      entry: { type: 'string' },
    },
  });
  const OUT = resolve(opts.out ?? join(ROOT, 'dist', 'agent'));
  const work = join(OUT, '.build');
  // Only what an earlier run wrote is removed: --out may name a directory that holds other files.
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT))
    if (f === '.build' || f === 'SHA256SUMS' || f.startsWith('outpost-agent-'))
      rmSync(join(OUT, f), { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const bundleFile = join(work, 'outpost-agent.cjs');
  checkBundle(await bundle(bundleFile, { version: opts.version, entry: opts.entry }));
  const bundleBytes = statSync(bundleFile).size;
  if (bundleBytes > BUNDLE_BUDGET_BYTES)
    throw new Error(`the agent bundle is ${bundleBytes} bytes, over its budget of ${BUNDLE_BUDGET_BYTES}`);
  // The version comes from the built agent itself, which also shows the bundle starts.
  const version = run(process.execPath, [bundleFile, 'version']).trim();
  if (!/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`odd agent version "${version}"`);
  if (opts.version && version !== opts.version) throw new Error(`the bundle says "${version}", not ${opts.version}`);
  const name = `outpost-agent-${version}-linux-${process.arch}`;

  const stage = join(work, name);
  mkdirSync(stage);
  copyFileSync(bundleFile, join(stage, 'outpost-agent.cjs'));
  for (const f of ['outpost-agent.service', 'outpost-agent-launcher.sh', 'install.sh', 'uninstall.sh'])
    copyFileSync(join(PACKAGING, f), join(stage, f));
  for (const f of ['install.sh', 'uninstall.sh', 'outpost-agent-launcher.sh']) chmodSync(join(stage, f), 0o755);
  writeFileSync(join(stage, 'VERSION'), `${version}\n`);
  const tarball = join(OUT, `${name}.tar.gz`);
  tarGz(work, name, tarball);

  const files = [tarball];
  if (!opts['no-sea']) {
    const exe = join(OUT, name);
    singleExecutable(bundleFile, exe, work);
    const said = run(exe, ['version'], { env: { PATH: '' } }).trim();
    if (said !== version) throw new Error(`the single executable says "${said}", not ${version}`);
    files.push(exe);
  }
  writeFileSync(join(OUT, 'SHA256SUMS'), files.map((f) => `${sha256(f)}  ${basename(f)}\n`).join(''));
  const summary = {
    version,
    bundleBytes,
    tarball: tarball,
    tarballBytes: statSync(tarball).size,
    ...(files[1] ? { executable: files[1], executableBytes: statSync(files[1]).size } : {}),
    metafile: `${bundleFile}.meta.json`,
  };
  if (opts.json) console.log(JSON.stringify(summary));
  else for (const [k, v] of Object.entries(summary)) console.log(`${k.padEnd(16)} ${v}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`package-agent: ${err.message}`);
    process.exit(1);
  });
}
