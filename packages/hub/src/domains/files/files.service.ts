import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ErrorCode, type FileEntry, type FileOutcome, type FilesCommandArgs } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { HubError, NotFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { Actor, AuditLog, Outcome } from '../audit/index.js';
import type { FileSpool } from './file-spool.js';
import type { FilesStore, FileTransfer, TransferEnd } from './files.store.js';
import type { Arrival, ArrivingContent, OpenTransfers } from './open-transfers.js';

export interface FilesDeps {
  store: FilesStore;
  transfers: OpenTransfers;
  spool: FileSpool;
  isReady(deviceId: string): boolean;
  /** Rings the device: a `files` command on cmd/req. */
  sendCommand(actor: Actor, deviceId: string, args: FilesCommandArgs, timeoutS: number): Promise<void>;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  hubUrl(): string;
  /** How long a device has to answer a listing, and to start (read) or finish (write) a transfer. */
  answerTimeoutMs: number;
  transferTimeoutMs: number;
}

type Ask = Omit<FilesCommandArgs, 'hub' | 'transfer' | 'token'>;
export type FileTarget = { root: string; path: string };

/** A device refused; the reason is the device's own (FILE_REFUSALS). */
export function refusedBy(deviceId: string, o: FileOutcome): HubError {
  const reason = o.error?.reason ?? 'io_error';
  return new HubError(ErrorCode.DeviceFileRefused, `${deviceId} refused: ${reason}: ${o.error?.message ?? ''}`, {
    reason,
  });
}

const offline = (id: string) =>
  new HubError(ErrorCode.DeviceOffline, `device "${id}" is not connected; file operations need it online`);
const timedOut = (id: string) =>
  new HubError(ErrorCode.CommandTimeout, `device "${id}" did not answer the file operation in time`);

export interface FilesService {
  dispatch: (
    actor: Actor,
    deviceId: string,
    ask: Ask,
    o: {
      id?: string;
      timeoutMs: number;
      upload?: {
        open(): Readable;
        size: number;
      };
    },
  ) => Promise<Arrival>;
  end: (
    actor: Actor,
    t: FileTransfer,
    a:
      | Arrival
      | {
          kind: 'failed';
          reason: string;
          message: string;
        },
    done?: Partial<TransferEnd>,
  ) => Promise<HubError | null>;
  roots: (actor: Actor, deviceId: string) => Promise<FileOutcome>;
  list: (
    actor: Actor,
    deviceId: string,
    q: FileTarget & {
      after?: string;
      limit?: number;
    },
  ) => Promise<FileOutcome>;
  stat: (actor: Actor, deviceId: string, q: FileTarget) => Promise<FileOutcome>;
  download: (
    actor: Actor,
    deviceId: string,
    q: FileTarget & {
      offset?: number;
    },
  ) => Promise<{
    transfer: string;
    size: number;
    sha256: string;
    offset: number;
    body: Readable;
  }>;
  upload: (
    actor: Actor,
    deviceId: string,
    q: FileTarget & {
      mode?: number;
      sha256?: string;
    },
    body: Readable,
    declared?: number,
  ) => Promise<{
    transfer: string;
    size: number;
    sha256: string;
    entry: FileEntry | undefined;
  }>;
  remove: (
    actor: Actor,
    deviceId: string,
    q: FileTarget,
  ) => Promise<{
    transfer: string;
    entry: FileEntry | undefined;
  }>;
  transfers: (deviceId: string, limit?: number) => Promise<FileTransfer[]>;
  deviceSide: {
    outcome(deviceId: string, id: string, token: string | undefined, outcome: FileOutcome): void;
    /** Resolves when the bytes reached whoever waited for them. */
    content(deviceId: string, id: string, token: string | undefined, c: Omit<ArrivingContent, 'done'>): Promise<void>;
    upload(
      deviceId: string,
      id: string,
      token: string | undefined,
    ): {
      open(): Readable;
      size: number;
    };
  };
}

/** File operations on one device, each audited; transfers recorded with how they ended. */
export function createFilesService(d: FilesDeps): FilesService {
  const target = (id: string) => `device:${id}`;

  /** Asks the device; resolves with the first arrival (content, outcome, or the timeout). */
  async function dispatch(
    actor: Actor,
    deviceId: string,
    ask: Ask,
    o: { id?: string; timeoutMs: number; upload?: { open(): Readable; size: number } },
  ): Promise<Arrival> {
    if (!d.isReady(deviceId)) throw offline(deviceId);
    const id = o.id ?? newId('ftr');
    const { token, arrival } = d.transfers.begin(id, deviceId, o.timeoutMs, o.upload);
    const args: FilesCommandArgs = { ...ask, hub: d.hubUrl(), transfer: id, token };
    try {
      await d.sendCommand(actor, deviceId, args, Math.ceil(o.timeoutMs / 1000));
    } catch (err) {
      d.transfers.abandon(id);
      throw err;
    }
    return arrival;
  }

  async function audit(actor: Actor, deviceId: string, op: string, outcome: Outcome, details: Record<string, unknown>) {
    await d.audit.record({ actor, action: `files.${op}`, target: target(deviceId), outcome, details });
  }

  /** roots, list, stat: an answer in one outcome. */
  async function query(actor: Actor, deviceId: string, ask: Ask): Promise<FileOutcome> {
    const where = { root: ask.root, path: ask.path };
    const a = await dispatch(actor, deviceId, ask, { timeoutMs: d.answerTimeoutMs });
    if (a.kind === 'content') {
      a.content.body.destroy();
      a.content.done(new Error('no content was asked for'));
      throw new HubError(ErrorCode.Internal, 'the device sent content for a query');
    }
    if (a.kind === 'timeout') {
      await audit(actor, deviceId, ask.op, 'failed', { ...where, reason: 'timeout' });
      throw timedOut(deviceId);
    }
    if (!a.outcome.ok) {
      await audit(actor, deviceId, ask.op, 'denied', { ...where, reason: a.outcome.error?.reason });
      throw refusedBy(deviceId, a.outcome);
    }
    await audit(actor, deviceId, ask.op, 'ok', where);
    return a.outcome;
  }

  function newTransfer(
    actor: Actor,
    deviceId: string,
    op: FileTransfer['op'],
    t: FileTarget,
    extra: Partial<FileTransfer> = {},
  ) {
    return {
      id: newId('ftr'),
      deviceId,
      root: t.root,
      path: t.path,
      op,
      status: 'running' as const,
      reason: null,
      message: null,
      size: null,
      sha256: null,
      offset: 0,
      actor: actor.id,
      pullId: null,
      createdAt: d.clock.now().toISOString(),
      finishedAt: null,
      ...extra,
    };
  }

  /** Records how a transfer ended and audits it; returns the error to throw, if any. */
  async function end(
    actor: Actor,
    t: FileTransfer,
    a: Arrival | { kind: 'failed'; reason: string; message: string },
    done?: Partial<TransferEnd>,
  ): Promise<HubError | null> {
    const finishedAt = d.clock.now().toISOString();
    const base = { size: done?.size ?? null, sha256: done?.sha256 ?? null, finishedAt };
    let e: TransferEnd;
    let err: HubError | null = null;
    if (a.kind === 'timeout') {
      e = { ...base, status: 'timed_out', reason: 'timeout', message: 'the device did not answer in time' };
      err = timedOut(t.deviceId);
    } else if (a.kind === 'failed') {
      e = { ...base, status: 'failed', reason: a.reason, message: a.message };
      err = new HubError(ErrorCode.Internal, `the transfer failed: ${a.message}`);
    } else if (a.kind === 'outcome' && !a.outcome.ok) {
      e = {
        ...base,
        status: 'refused',
        reason: a.outcome.error?.reason ?? 'io_error',
        message: a.outcome.error?.message ?? null,
      };
      err = refusedBy(t.deviceId, a.outcome);
    } else e = { ...base, status: 'succeeded', reason: null, message: null };
    await d.store.finish(t.id, e);
    const outcome: Outcome = e.status === 'succeeded' ? 'ok' : e.status === 'refused' ? 'denied' : 'failed';
    await audit(actor, t.deviceId, t.op, outcome, {
      transfer: t.id,
      root: t.root,
      path: t.path,
      ...(t.offset ? { offset: t.offset } : {}),
      ...(e.size !== null ? { size: e.size } : {}),
      ...(e.sha256 ? { sha256: e.sha256 } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
    });
    return err;
  }

  /**
   * Starts a download: resolves once the device's bytes arrive, with the stream to hand the caller.
   * The hub only passes the bytes through; TCP flow control paces the device to the caller.
   */
  async function download(actor: Actor, deviceId: string, q: FileTarget & { offset?: number }) {
    const offset = q.offset ?? 0;
    const t = newTransfer(actor, deviceId, 'read', q, { offset });
    if (!d.isReady(deviceId)) throw offline(deviceId);
    await d.store.insertTransfers([t]);
    const a = await dispatch(
      actor,
      deviceId,
      { op: 'read', root: q.root, path: q.path, offset },
      {
        id: t.id,
        timeoutMs: d.transferTimeoutMs,
      },
    ).catch(async (err: unknown) => {
      await end(actor, t, { kind: 'failed', reason: 'dispatch', message: String((err as Error).message) });
      throw err;
    });
    if (a.kind !== 'content') throw (await end(actor, t, a))!;
    const c: ArrivingContent = a.content;
    void finished(c.body)
      .then(
        async () => {
          c.done();
          await end(actor, t, { kind: 'outcome', outcome: { ok: true } }, { size: c.size, sha256: c.sha256 });
        },
        async (err: unknown) => {
          c.done(err as Error);
          await end(actor, t, { kind: 'failed', reason: 'interrupted', message: String((err as Error).message) });
        },
      )
      .catch((err: unknown) => d.logger.warn({ err, transfer: t.id }, 'recording a file download failed'));
    return { transfer: t.id, size: c.size, sha256: c.sha256, offset: c.offset, body: c.body };
  }

  /** Spools the caller's bytes, then has the device fetch them and rename them into place. */
  async function upload(
    actor: Actor,
    deviceId: string,
    q: FileTarget & { mode?: number; sha256?: string },
    body: Readable,
    declared?: number,
  ) {
    if (!d.isReady(deviceId)) throw offline(deviceId);
    const t = newTransfer(actor, deviceId, 'write', q);
    const spooled = await d.spool.receive(`uploads/${t.id}`, body, declared);
    try {
      await d.store.insertTransfers([{ ...t, size: spooled.size }]);
      const want = q.sha256 ?? spooled.sha256;
      const ask: Ask = { op: 'write', root: q.root, path: q.path, size: spooled.size, sha256: want, mode: q.mode };
      const a = await dispatch(actor, deviceId, ask, {
        id: t.id,
        timeoutMs: d.transferTimeoutMs,
        upload: { open: () => d.spool.open(spooled.file), size: spooled.size },
      }).catch(async (err: unknown) => {
        await end(actor, t, { kind: 'failed', reason: 'dispatch', message: String((err as Error).message) });
        throw err;
      });
      const err = await end(actor, t, a, { size: spooled.size, sha256: want });
      if (err) throw err;
      return {
        transfer: t.id,
        size: spooled.size,
        sha256: want,
        entry: a.kind === 'outcome' ? a.outcome.entry : undefined,
      };
    } finally {
      await d.spool.remove(spooled.file);
    }
  }

  async function remove(actor: Actor, deviceId: string, q: FileTarget) {
    if (!d.isReady(deviceId)) throw offline(deviceId);
    const t = newTransfer(actor, deviceId, 'delete', q);
    await d.store.insertTransfers([t]);
    const a = await dispatch(
      actor,
      deviceId,
      { op: 'delete', root: q.root, path: q.path },
      {
        id: t.id,
        timeoutMs: d.answerTimeoutMs,
      },
    );
    const err = await end(actor, t, a);
    if (err) throw err;
    return { transfer: t.id, entry: a.kind === 'outcome' ? a.outcome.entry : undefined };
  }

  // The device's side, after its certificate was admitted.
  const unknownTransfer = (id: string) => new NotFound('file transfer', id);
  const deviceSide = {
    outcome(deviceId: string, id: string, token: string | undefined, outcome: FileOutcome) {
      const t = d.transfers.claim(id, deviceId, token);
      if (!t) throw unknownTransfer(id);
      t.settle({ kind: 'outcome', outcome });
    },
    /** Resolves when the bytes reached whoever waited for them. */
    content(deviceId: string, id: string, token: string | undefined, c: Omit<ArrivingContent, 'done'>): Promise<void> {
      const t = d.transfers.claim(id, deviceId, token);
      if (!t || t.upload) throw unknownTransfer(id);
      return new Promise((resolve, reject) =>
        t.settle({ kind: 'content', content: { ...c, done: (err) => (err ? reject(err) : resolve()) } }),
      );
    },
    upload(deviceId: string, id: string, token: string | undefined) {
      const t = d.transfers.claim(id, deviceId, token);
      if (!t?.upload) throw unknownTransfer(id);
      return t.upload;
    },
  };

  return {
    dispatch,
    end,
    roots: (actor: Actor, deviceId: string) => query(actor, deviceId, { op: 'roots' }),
    list: (actor: Actor, deviceId: string, q: FileTarget & { after?: string; limit?: number }) =>
      query(actor, deviceId, { op: 'list', ...q }),
    stat: (actor: Actor, deviceId: string, q: FileTarget) => query(actor, deviceId, { op: 'stat', ...q }),
    download,
    upload,
    remove,
    transfers: (deviceId: string, limit = 50) => d.store.ofDevice(deviceId, limit),
    deviceSide,
  };
}
