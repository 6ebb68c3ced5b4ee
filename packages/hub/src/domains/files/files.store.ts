import type { Db } from '../../storage/database.js';
import type { DeviceFileTransfer } from '@outpost/protocol';

export type TransferStatus = DeviceFileTransfer['status'];

export type FileTransfer = DeviceFileTransfer;

export interface FilePull {
  id: string;
  root: string;
  path: string;
  actor: string;
  devices: number;
  status: 'running' | 'done' | 'expired';
  createdAt: string;
  expiresAt: string;
}

export type TransferEnd = Pick<FileTransfer, 'status' | 'reason' | 'message' | 'size' | 'sha256' | 'finishedAt'>;

export interface FilesStore {
  insertTransfers(t: FileTransfer[]): Promise<void>;
  setStatus(id: string, status: TransferStatus): Promise<void>;
  finish(id: string, end: TransferEnd): Promise<void>;
  ofDevice(deviceId: string, limit: number): Promise<FileTransfer[]>;
  ofPull(pullId: string): Promise<FileTransfer[]>;
  insertPull(p: FilePull): Promise<void>;
  pull(id: string): Promise<FilePull | null>;
  setPullStatus(id: string, status: FilePull['status']): Promise<void>;
  /** Pulls past their expiry that still hold files. */
  expiredPulls(nowIso: string, limit: number): Promise<string[]>;
}

type Row = {
  id: string;
  device_id: string;
  root: string;
  path: string;
  op: string;
  status: string;
  reason: string | null;
  message: string | null;
  size: number | string | null;
  sha256: string | null;
  start_offset: number | string;
  actor: string;
  pull_id: string | null;
  created_at: string;
  finished_at: string | null;
};

const toTransfer = (r: Row): FileTransfer => ({
  id: r.id,
  deviceId: r.device_id,
  root: r.root,
  path: r.path,
  op: r.op as FileTransfer['op'],
  status: r.status as TransferStatus,
  reason: r.reason,
  message: r.message,
  size: r.size === null ? null : Number(r.size),
  sha256: r.sha256,
  offset: Number(r.start_offset),
  actor: r.actor,
  pullId: r.pull_id,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

export function createFilesStore(db: Db): FilesStore {
  return {
    async insertTransfers(list) {
      // SQLite takes at most 32766 bound values per statement: 15 columns × 500 rows stays under it.
      for (let i = 0; i < list.length; i += 500)
        await db
          .insertInto('device_file_transfers')
          .values(
            list.slice(i, i + 500).map((t) => ({
              id: t.id,
              device_id: t.deviceId,
              root: t.root,
              path: t.path,
              op: t.op,
              status: t.status,
              reason: t.reason,
              message: t.message,
              size: t.size,
              sha256: t.sha256,
              start_offset: t.offset,
              actor: t.actor,
              pull_id: t.pullId,
              created_at: t.createdAt,
              finished_at: t.finishedAt,
            })),
          )
          .execute();
    },
    async setStatus(id, status) {
      await db.updateTable('device_file_transfers').set({ status }).where('id', '=', id).execute();
    },
    async finish(id, e) {
      await db
        .updateTable('device_file_transfers')
        .set({
          status: e.status,
          reason: e.reason,
          message: e.message?.slice(0, 512) ?? null,
          size: e.size,
          sha256: e.sha256,
          finished_at: e.finishedAt,
        })
        .where('id', '=', id)
        .execute();
    },
    async ofDevice(deviceId, limit) {
      const rows = await db
        .selectFrom('device_file_transfers')
        .selectAll()
        .where('device_id', '=', deviceId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => toTransfer(r as Row));
    },
    async ofPull(pullId) {
      const rows = await db
        .selectFrom('device_file_transfers')
        .selectAll()
        .where('pull_id', '=', pullId)
        .orderBy('device_id')
        .execute();
      return rows.map((r) => toTransfer(r as Row));
    },
    async insertPull(p) {
      await db
        .insertInto('device_file_pulls')
        .values({
          id: p.id,
          root: p.root,
          path: p.path,
          actor: p.actor,
          devices: p.devices,
          status: p.status,
          created_at: p.createdAt,
          expires_at: p.expiresAt,
        })
        .execute();
    },
    async pull(id) {
      const r = await db.selectFrom('device_file_pulls').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) return null;
      return {
        id: r.id,
        root: r.root,
        path: r.path,
        actor: r.actor,
        devices: Number(r.devices),
        status: r.status as FilePull['status'],
        createdAt: r.created_at,
        expiresAt: r.expires_at,
      };
    },
    async setPullStatus(id, status) {
      await db.updateTable('device_file_pulls').set({ status }).where('id', '=', id).execute();
    },
    async expiredPulls(nowIso, limit) {
      const rows = await db
        .selectFrom('device_file_pulls')
        .select('id')
        .where('status', '!=', 'expired')
        .where('expires_at', '<=', nowIso)
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
