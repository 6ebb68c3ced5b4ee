import { basename } from 'node:path';
import type { Command } from 'commander';
import { clientFrom } from './credentials.js';
import { output, printJson } from './output.js';
import { common, num, type Common } from './monitoring-cli.util.js';

/** `ROOT/path/inside` → root and path; the root alone names its top directory. */
export function splitRootPath(spec: string): { root: string; path: string } {
  const clean = spec.replace(/^\/+/, '');
  const i = clean.indexOf('/');
  const root = i < 0 ? clean : clean.slice(0, i);
  if (!root) throw new Error(`"${spec}" must start with a root name (see: outpost files ls DEVICE)`);
  return { root, path: i < 0 ? '' : clean.slice(i + 1) };
}

const mode = (v: string) => {
  if (!/^0?[0-7]{3}$/.test(v)) throw new Error(`--mode takes octal permission bits such as 0644, not "${v}"`);
  return parseInt(v, 8);
};
const octal = (m: number) => `0${m.toString(8).padStart(3, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `outpost files ls|get|put|rm|pull|transfers`: files in the directories devices declare. */
export function registerFilesCommands(program: Command) {
  const files = program
    .command('files')
    .description('device files: browse declared roots, download, upload, delete, pull from many devices');

  common(files.command('ls <device> [rootPath]'))
    .description('list the roots a device declares, or a directory in one (ROOT/dir)')
    .option('--all', 'follow every page of a large directory')
    .action(async (device: string, rootPath: string | undefined, o: Common & { all?: boolean }) => {
      const c = await clientFrom(o);
      if (!rootPath) {
        const r = await c.files.roots(device);
        return output(o.json, r, r.items, ['name', 'mode', 'maxBytes']);
      }
      const { root, path } = splitRootPath(rootPath);
      const items = [];
      let after: string | undefined;
      do {
        const page = await c.files.list(device, { root, path, after });
        items.push(...page.items);
        after = o.all ? page.next : undefined;
        if (!o.all && page.next) console.error(`(more entries after "${page.next}": --all lists them)`);
      } while (after);
      const rows = items.map((e) => ({ ...e, mode: octal(e.mode) }));
      output(o.json, { items }, rows, ['type', 'mode', 'size', 'mtime', 'name']);
    });

  common(files.command('get <device> <rootPath>'))
    .description('download a file; an interrupted download resumes, the SHA-256 is verified')
    .option('-o, --output <file>', 'where to write it (default: its name, here)')
    .option('--restart', 'start over instead of resuming a .partial file')
    .action(async (device: string, rootPath: string, o: Common & { output?: string; restart?: boolean }) => {
      const c = await clientFrom(o);
      const { downloadDeviceFile } = await import('@outpost/client');
      const target = splitRootPath(rootPath);
      const file = o.output ?? basename(target.path);
      const r = await downloadDeviceFile(c.options, device, target, file, { resume: !o.restart });
      if (o.json) return printJson({ file, ...r });
      const resumed = r.resumedFrom ? ` (resumed at ${r.resumedFrom})` : '';
      console.log(`${file}: ${r.size} bytes${resumed}, sha256 ${r.sha256} verified`);
    });

  common(files.command('put <device> <rootPath> <file>'))
    .description('upload a file into a rw root: written beside, hash-checked on the device, renamed into place')
    .option('--mode <octal>', 'permission bits, e.g. 0644 (default: the replaced file’s, or 0644)', mode)
    .option('--otp <code>', 'second-factor code for the step-up writes need')
    .action(async (device: string, rootPath: string, file: string, o: Common & { mode?: number; otp?: string }) => {
      const c = await clientFrom(o);
      const { uploadDeviceFile } = await import('@outpost/client');
      const r = await uploadDeviceFile(
        c.options,
        device,
        { ...splitRootPath(rootPath), mode: o.mode, otp: o.otp },
        file,
      );
      if (o.json) return printJson(r);
      console.log(`${rootPath}: ${r.size} bytes written, sha256 ${r.sha256}`);
    });

  common(files.command('rm <device> <rootPath>'))
    .description('delete a file in a rw root')
    .option('--otp <code>', 'second-factor code for the step-up writes need')
    .action(async (device: string, rootPath: string, o: Common & { otp?: string }) => {
      const r = await (await clientFrom(o)).files.remove(device, { ...splitRootPath(rootPath), otp: o.otp });
      if (o.json) return printJson(r);
      console.log(`${rootPath} deleted on ${device}`);
    });

  common(files.command('pull <rootPath>'))
    .description('the same file from many devices into one ZIP, with each device’s status')
    .option('--group <path>', 'the devices of a group')
    .option('--filter <expr>', 'the devices a filter selects')
    .option('--devices <ids>', 'comma-separated device ids')
    .requiredOption('-o, --output <file>', 'the ZIP to write')
    .option('--wait <s>', 'seconds to wait for every device (default 600)', num, 600)
    .action(
      async (
        rootPath: string,
        o: Common & { group?: string; filter?: string; devices?: string; output: string; wait: number },
      ) => {
        const chosen = [o.group, o.filter, o.devices].filter((x) => x !== undefined);
        if (chosen.length !== 1) throw new Error('choose the devices with one of --group, --filter or --devices');
        const c = await clientFrom(o);
        const target = splitRootPath(rootPath);
        const filter = o.group !== undefined ? `group = ${JSON.stringify(o.group)}` : o.filter;
        const deviceIds = o.devices
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        const { pullId, devices } = await c.files.createPull({
          ...target,
          ...(deviceIds ? { deviceIds } : { filter }),
        });
        if (!o.json) console.error(`pull ${pullId}: ${devices} devices`);
        const until = Date.now() + o.wait * 1000;
        let p = await c.files.pull(pullId);
        while (p.status === 'running' && Date.now() < until) {
          await sleep(1000);
          p = await c.files.pull(pullId);
        }
        if (p.status === 'running')
          throw new Error(
            `pull ${pullId} is still running after ${o.wait} s; outpost files pull-status ${pullId} -o FILE fetches it later`,
          );
        const { downloadPullArchive } = await import('@outpost/client');
        const bytes = await downloadPullArchive(c.options, pullId, o.output);
        if (o.json) return printJson({ ...p, archive: o.output, bytes });
        output(false, p, p.items, ['deviceId', 'status', 'reason', 'size', 'sha256']);
        console.log(
          `${o.output}: ${bytes} bytes (${Object.entries(p.counts)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ')})`,
        );
      },
    );

  common(files.command('pull-status <pullId>'))
    .description('where a pull stands; with -o, its ZIP once it is done')
    .option('-o, --output <file>', 'write the ZIP')
    .action(async (pullId: string, o: Common & { output?: string }) => {
      const c = await clientFrom(o);
      const p = await c.files.pull(pullId);
      output(o.json, p, p.items, ['deviceId', 'status', 'reason', 'size', 'sha256']);
      if (!o.output) return;
      const { downloadPullArchive } = await import('@outpost/client');
      console.log(`${o.output}: ${await downloadPullArchive(c.options, pullId, o.output)} bytes`);
    });

  common(files.command('transfers <device>'))
    .description('recent downloads, uploads and deletes on a device, with how they ended')
    .action(async (device: string, o: Common) => {
      const r = await (await clientFrom(o)).files.transfers(device);
      output(o.json, r, r.items, ['createdAt', 'op', 'root', 'path', 'status', 'reason', 'size', 'actor']);
    });
}
