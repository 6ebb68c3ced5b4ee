import {
  FILES_COMMAND,
  compileValidator,
  FilesCommandArgs,
  type FileOutcome,
  type FileRefusal,
} from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import { FileRefused, openInside } from './confine.js';
import { deleteEntry, hashPrefix, listDirectory, statEntry, writeAtomic } from './file-ops.js';
import type { DeclaredRoot } from './file-roots.js';
import { getContent, postOutcome, putContent, type DeviceTls } from './hub-link.js';

export interface FilesFeatureOptions {
  roots: DeclaredRoot[];
  tls: DeviceTls;
  /** Largest file read or written (default 256 MiB). */
  maxBytes?: number;
  /** Transfers running at once; more are refused as `busy` (default 4). */
  maxConcurrent?: number;
}

const validateArgs = compileValidator(FilesCommandArgs);
const DEFAULT_MAX_BYTES = 256 * 1024 ** 2;
const DEFAULT_PAGE = 200;

/**
 * Declared directories the hub may list, read from and (`rw` roots) write to. A `files` command is
 * only the doorbell: the agent answers, and moves bytes, over HTTPS to the hub with its device
 * certificate, so large files never pass through MQTT.
 */
export function createFilesFeature(o: FilesFeatureOptions): AgentFeature {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxConcurrent = o.maxConcurrent ?? 4;
  const roots = new Map(o.roots.map((r) => [r.name, r]));
  let running = 0;

  function rootOf(name: string | undefined): DeclaredRoot {
    const r = name ? roots.get(name) : undefined;
    if (!r) throw new FileRefused('not_declared', `this device declares no root "${name ?? ''}"`);
    return r;
  }

  async function perform(a: FilesCommandArgs): Promise<FileOutcome | null> {
    const path = a.path ?? '';
    switch (a.op) {
      case 'roots':
        return { ok: true, roots: o.roots.map((r) => ({ name: r.name, mode: r.mode, maxBytes })) };
      case 'list':
        return {
          ok: true,
          ...(await listDirectory(rootOf(a.root), path, { after: a.after, limit: a.limit ?? DEFAULT_PAGE })),
        };
      case 'stat':
        return { ok: true, entry: await statEntry(rootOf(a.root), path) };
      case 'delete':
        return { ok: true, entry: await deleteEntry(rootOf(a.root), path) };
      case 'read':
        await read(a, rootOf(a.root), path);
        return null; // the content upload is the answer
      case 'write': {
        const root = rootOf(a.root);
        if (root.mode !== 'rw') throw new FileRefused('root_read_only', `the root "${root.name}" is read-only`);
        if (a.size === undefined || !a.sha256) throw new FileRefused('invalid_path', 'a write needs size and sha256');
        if (a.size > maxBytes)
          throw new FileRefused('too_large', `${a.size} bytes is more than this device takes (${maxBytes})`);
        const body = await getContent(a, o.tls);
        try {
          const entry = await writeAtomic(root, path, body, { size: a.size, sha256: a.sha256, mode: a.mode, maxBytes });
          return { ok: true, entry, size: a.size, sha256: a.sha256 };
        } finally {
          body.destroy();
        }
      }
    }
  }

  async function read(a: FilesCommandArgs, root: DeclaredRoot, path: string) {
    const { fh, size } = await openInside(root, path, maxBytes);
    try {
      const offset = a.offset ?? 0;
      if (offset > size) throw new FileRefused('invalid_path', `offset ${offset} is past the end (${size} bytes)`);
      const sha256 = await hashPrefix(fh, size);
      await putContent(a, o.tls, { fh, offset, size, sha256 });
    } finally {
      await fh.close();
    }
  }

  async function run(a: FilesCommandArgs, ctx: FeatureContext) {
    let outcome: FileOutcome | null;
    try {
      outcome = await perform(a);
    } catch (err) {
      const refused = err instanceof FileRefused;
      const reason: FileRefusal = refused ? err.reason : 'io_error';
      outcome = { ok: false, error: { reason, message: String((err as Error).message).slice(0, 500) } };
      if (!refused) ctx.logger.warn('file operation failed', { op: a.op, error: String(err) });
    }
    if (outcome) await postOutcome(a, o.tls, outcome);
  }

  return {
    name: 'files',
    capabilities: () => (o.roots.length ? ['files:1'] : []),
    commands: {
      [FILES_COMMAND]: async (args, ctx) => {
        const checked = validateArgs.check(args);
        if (!checked.ok) throw new Error(`files: ${checked.message}`);
        const a = checked.value;
        if (running >= maxConcurrent) {
          await postOutcome(a, o.tls, {
            ok: false,
            error: { reason: 'busy', message: `${maxConcurrent} file transfers are running on this device` },
          });
          return { accepted: false };
        }
        running++;
        // The work goes on after the command's answer: a long transfer never holds up the next command.
        void run(a, ctx)
          .catch((err: unknown) =>
            ctx.logger.warn('file outcome could not reach the hub', { op: a.op, error: String(err) }),
          )
          .finally(() => running--);
        return { accepted: true };
      },
    },
  };
}
