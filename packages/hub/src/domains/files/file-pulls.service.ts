import { Readable } from 'node:stream';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { BlobStore } from '../../platform/blob-store.js';
import type { Actor, AuditLog } from '../audit/index.js';
import type { DeviceDirectory, DeviceScope, DeviceSelector } from '../devices/index.js';
import type { FileSpool } from './file-spool.js';
import type { FilePull, FilesStore, FileTransfer } from './files.store.js';
import type { FilesService, FileTarget } from './files.service.js';
import { zipStream, type ZipEntry } from '../../platform/zip-stream.js';

export interface FilePullsDeps {
  files: Pick<FilesService, 'dispatch' | 'end'>;
  store: FilesStore;
  spool: FileSpool;
  /** Where collected files wait for their ZIP: any replica can then serve it. */
  blobs: Pick<BlobStore, 'put' | 'get' | 'delete'>;
  devices: Pick<DeviceDirectory, 'ids'>;
  selector: DeviceSelector;
  isReady(deviceId: string): boolean;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Devices asked at once: the rest wait, so the hub's disk and links see a bounded load. */
  concurrency: number;
  maxDevices: number;
  ttlMs: number;
  transferTimeoutMs: number;
}

export interface FilePullsService {
  create: (
    actor: Actor,
    scope: DeviceScope,
    input: FileTarget & {
      deviceIds?: string[];
      filter?: string;
    },
  ) => Promise<{
    pullId: string;
    devices: number;
  }>;
  get: (
    scope: DeviceScope,
    id: string,
  ) => Promise<{
    counts: Record<string, number>;
    items: FileTransfer[];
    status: 'expired' | 'running' | 'done';
    id: string;
    root: string;
    path: string;
    actor: string;
    devices: number;
    createdAt: string;
    expiresAt: string;
  }>;
  archive: (scope: DeviceScope, id: string) => Promise<Readable>;
  expire: () => Promise<void>;
}

/** Where a pull's collected file is kept in the blob store. */
const pulledKey = (pullId: string, transferId: string) => `pulls/${pullId}/${transferId}`;

/**
 * Bulk pulls: one path from many devices (a list, a group or a filter, always inside the caller's
 * scope) through the hub's spool (quota, size and hash checked) into the blob store, then one ZIP
 * streamed to the caller by whichever replica it asks. Files expire with the pull.
 */
export function createFilePullsService(d: FilePullsDeps): FilePullsService {
  async function targets(scope: DeviceScope, input: { deviceIds?: string[]; filter?: string }): Promise<string[]> {
    if (input.deviceIds && input.filter !== undefined)
      throw new ValidationError('give deviceIds or filter, not both', { path: '/filter' });
    if (input.deviceIds) return scope.within([...new Set(input.deviceIds)]);
    if (input.filter === undefined) throw new ValidationError('give deviceIds or a filter', { path: '/filter' });
    const ids = await d.devices.ids(scope.narrow(await d.selector.where(input.filter)), d.maxDevices + 1);
    if (ids.length > d.maxDevices)
      throw new ValidationError(`the filter matches more than ${d.maxDevices} devices; narrow it`, { path: '/filter' });
    return ids;
  }

  async function create(
    actor: Actor,
    scope: DeviceScope,
    input: FileTarget & { deviceIds?: string[]; filter?: string },
  ) {
    const ids = await targets(scope, input);
    if (ids.length === 0) throw new ValidationError('no device in your scope matches', { path: '/filter' });
    const now = d.clock.now();
    const pull: FilePull = {
      id: newId('fpl'),
      root: input.root,
      path: input.path,
      actor: actor.id,
      devices: ids.length,
      status: 'running',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + d.ttlMs).toISOString(),
    };
    const transfers: FileTransfer[] = ids.map((deviceId) => ({
      id: newId('ftr'),
      deviceId,
      root: input.root,
      path: input.path,
      op: 'read',
      status: 'queued',
      reason: null,
      message: null,
      size: null,
      sha256: null,
      offset: 0,
      actor: actor.id,
      pullId: pull.id,
      createdAt: pull.createdAt,
      finishedAt: null,
    }));
    await d.store.insertPull(pull);
    await d.store.insertTransfers(transfers);
    await d.audit.record({
      actor,
      action: 'files.pull',
      target: `pull:${pull.id}`,
      details: { root: input.root, path: input.path, devices: ids.length, filter: input.filter },
    });
    void run(actor, pull, transfers).catch((err: unknown) => d.logger.warn({ err, pull: pull.id }, 'file pull failed'));
    return { pullId: pull.id, devices: ids.length };
  }

  async function run(actor: Actor, pull: FilePull, transfers: FileTransfer[]) {
    const queue = [...transfers];
    const worker = async () => {
      for (let t = queue.shift(); t; t = queue.shift()) await pullOne(actor, pull, t);
    };
    await Promise.all(Array.from({ length: Math.min(d.concurrency, queue.length) }, worker));
    await d.spool.removeDir(`pulls/${pull.id}`);
    await d.store.setPullStatus(pull.id, 'done');
  }

  async function pullOne(actor: Actor, pull: FilePull, t: FileTransfer) {
    if (!d.isReady(t.deviceId)) {
      const at = d.clock.now().toISOString();
      await d.store.finish(t.id, {
        status: 'offline',
        reason: 'device_offline',
        message: null,
        size: null,
        sha256: null,
        finishedAt: at,
      });
      return;
    }
    await d.store.setStatus(t.id, 'running');
    try {
      const a = await d.files.dispatch(
        actor,
        t.deviceId,
        { op: 'read', root: t.root, path: t.path },
        {
          id: t.id,
          timeoutMs: d.transferTimeoutMs,
        },
      );
      if (a.kind !== 'content') return void (await d.files.end(actor, t, a));
      const c = a.content;
      try {
        const got = await d.spool.receive(`pulls/${pull.id}/${t.id}`, c.body, c.size);
        if (got.size !== c.size || got.sha256 !== c.sha256) {
          await d.spool.remove(got.file);
          c.done();
          return void (await d.files.end(actor, t, {
            kind: 'failed',
            reason: 'hash_mismatch',
            message: `got ${got.sha256}, the device said ${c.sha256}`,
          }));
        }
        c.done();
        try {
          await d.blobs.put(pulledKey(pull.id, t.id), d.spool.open(got.file));
        } finally {
          await d.spool.remove(got.file);
        }
        await d.files.end(actor, t, { kind: 'outcome', outcome: { ok: true } }, { size: got.size, sha256: got.sha256 });
      } catch (err) {
        c.body.destroy();
        c.done(err as Error);
        const reason = (err as { code?: string }).code === 'file_spool_full' ? 'spool_full' : 'interrupted';
        await d.files.end(actor, t, { kind: 'failed', reason, message: String((err as Error).message) });
      }
    } catch (err) {
      await d.files.end(actor, t, { kind: 'failed', reason: 'dispatch', message: String((err as Error).message) });
    }
  }

  async function visible(scope: DeviceScope, id: string) {
    const pull = await d.store.pull(id);
    if (!pull) throw new NotFound('file pull', id);
    const all = await d.store.ofPull(id);
    const inside = new Set(await scope.within(all.map((t) => t.deviceId)));
    const items = all.filter((t) => inside.has(t.deviceId));
    if (items.length === 0) throw new NotFound('file pull', id);
    // A pull past its expiry is expired, even before the sweep removes its files (or when the hub
    // running it stopped before it finished).
    const status = pull.expiresAt <= d.clock.now().toISOString() ? 'expired' : pull.status;
    return { pull: { ...pull, status }, items };
  }

  async function get(scope: DeviceScope, id: string) {
    const { pull, items } = await visible(scope, id);
    const counts: Record<string, number> = {};
    for (const t of items) counts[t.status] = (counts[t.status] ?? 0) + 1;
    return { ...pull, counts, items };
  }

  /** The ZIP of a finished pull: each collected file as <device>/<root>/<path>, and status.json. */
  async function archive(scope: DeviceScope, id: string): Promise<Readable> {
    const { pull, items } = await visible(scope, id);
    if (pull.status === 'running') throw new Conflict('the pull is still running; wait for it to finish');
    if (pull.status === 'expired') throw new Conflict('the pull expired and its files were removed');
    const status = items.map(({ deviceId, status, reason, message, size, sha256 }) => ({
      deviceId,
      status,
      reason,
      message,
      size,
      sha256,
    }));
    const entries: ZipEntry[] = items
      .filter((t) => t.status === 'succeeded')
      .map((t) => ({
        name: `${t.deviceId}/${t.root}/${t.path.replace(/^\/+/, '')}`,
        mtime: new Date(t.finishedAt ?? t.createdAt),
        open: () => openPulled(pull.id, t.id),
      }));
    entries.push({
      name: 'status.json',
      mtime: d.clock.now(),
      open: () => Readable.from([Buffer.from(JSON.stringify({ pull, devices: status }, null, 2))]),
    });
    return Readable.from(zipStream(entries));
  }

  async function openPulled(pullId: string, transferId: string): Promise<Readable> {
    const body = await d.blobs.get(pulledKey(pullId, transferId));
    if (!body) throw new Conflict('a collected file of the pull is gone; the pull expired');
    return body;
  }

  /** Removes the files of expired pulls. */
  async function expire() {
    for (const id of await d.store.expiredPulls(d.clock.now().toISOString(), 100)) {
      for (const t of await d.store.ofPull(id)) if (t.status === 'succeeded') await d.blobs.delete(pulledKey(id, t.id));
      await d.spool.removeDir(`pulls/${id}`);
      await d.store.setPullStatus(id, 'expired');
    }
  }

  return { create, get, archive, expire };
}
