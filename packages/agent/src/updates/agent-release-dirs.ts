import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ManifestBody } from '@outpost/protocol';
import type { AgentReleases, ImageSource } from './installer.port.js';

const run = promisify(execFile);

// What a release tarball of the agent holds (scripts/package-agent.mjs), each a regular file in
// one top directory named for the version and architecture. Anything else refuses the release.
const RELEASE_FILES = new Set([
  'VERSION',
  'outpost-agent.cjs',
  'outpost-agent.service',
  'outpost-agent-launcher.sh',
  'install.sh',
  'uninstall.sh',
]);
const EXECUTABLE = new Set(['install.sh', 'uninstall.sh', 'outpost-agent-launcher.sh']);
const VERSION_DIR = /^[0-9A-Za-z.+-]{1,64}$/;

export class ReleaseRefused extends Error {}

/** Names and entry types of a tarball, checked before anything is written. */
async function checkListing(tarball: string, top: string): Promise<void> {
  const names = (await run('tar', ['-tzf', tarball], { maxBuffer: 1 << 20 })).stdout.split('\n').filter(Boolean);
  const types = (await run('tar', ['-tvzf', tarball], { maxBuffer: 1 << 20 })).stdout.split('\n').filter(Boolean);
  if (names.length !== types.length || names.length > RELEASE_FILES.size + 1)
    throw new ReleaseRefused(`the release holds ${names.length} entries, more than an agent release has`);
  names.forEach((name, i) => {
    const type = types[i][0];
    if (name === `${top}/` && type === 'd') return;
    const file = name.startsWith(`${top}/`) ? name.slice(top.length + 1) : null;
    if (!file || !RELEASE_FILES.has(file) || type !== '-')
      throw new ReleaseRefused(`the release holds ${JSON.stringify(name.slice(0, 100))}, not part of ${top}`);
  });
  if (!names.includes(`${top}/outpost-agent.cjs`) || !names.includes(`${top}/VERSION`))
    throw new ReleaseRefused(`the release has no ${top}/outpost-agent.cjs and VERSION`);
}

/**
 * Releases of the agent as directories under `lib` (`<prefix>/lib/outpost-agent`): one per
 * version and the `current` link, the layout install.sh makes. A release is the signed tarball
 * scripts/package-agent.mjs writes; it is unpacked into a staging directory and renamed into
 * place, so a version directory is whole or absent.
 */
export function createAgentReleaseDirs(o: { lib: string; arch?: string }): AgentReleases {
  const arch = o.arch ?? process.arch;
  const current = () => readlink(join(o.lib, 'current')).catch(() => null);

  async function unpack(image: ImageSource, m: ManifestBody) {
    if (!image.path) throw new ReleaseRefused('the release was not kept on disk');
    const top = `outpost-agent-${m.version}-linux-${arch}`;
    await checkListing(image.path, top);
    if ((await current()) === m.version) throw new ReleaseRefused(`${m.version} is the version that runs`);
    const staging = join(o.lib, `.${m.version}.tmp.${process.pid}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true, mode: 0o755 });
    try {
      const files = [...RELEASE_FILES].map((f) => `${top}/${f}`);
      // Only the listed members; tar may miss the optional ones, so ask for those that exist.
      const present = (await run('tar', ['-tzf', image.path])).stdout.split('\n').filter((n) => files.includes(n));
      await run('tar', [
        '-xzf',
        image.path,
        '-C',
        staging,
        '--no-same-owner',
        '--no-same-permissions',
        '--strip-components=1',
        ...present,
      ]);
      const said = (await readFile(join(staging, 'VERSION'), 'utf8')).trim();
      if (said !== m.version) throw new ReleaseRefused(`the release says it is ${said}, the manifest ${m.version}`);
      for (const f of await readdir(staging)) await chmod(join(staging, f), EXECUTABLE.has(f) ? 0o755 : 0o644);
      await rm(join(o.lib, m.version), { recursive: true, force: true });
      await rename(staging, join(o.lib, m.version));
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
  }

  return {
    unpack,
    async point(version) {
      if (!VERSION_DIR.test(version)) throw new ReleaseRefused(`odd version ${JSON.stringify(version)}`);
      await stat(join(o.lib, version, 'outpost-agent.cjs'));
      const tmp = join(o.lib, `current.tmp.${process.pid}`);
      await rm(tmp, { force: true });
      await symlink(version, tmp);
      await rename(tmp, join(o.lib, 'current'));
    },
    async prune(keep) {
      const cur = await current();
      for (const name of await readdir(o.lib)) {
        if (!VERSION_DIR.test(name) || name === 'current' || name === cur || keep.includes(name)) continue;
        const isRelease = await stat(join(o.lib, name, 'VERSION')).then(
          () => true,
          () => false,
        );
        if (isRelease) await rm(join(o.lib, name), { recursive: true, force: true });
      }
    },
  };
}
