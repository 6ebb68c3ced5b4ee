import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore } from '../../platform/blob-store.js';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditLog } from '../audit/index.js';
import { SYSTEM_ACTOR } from '../audit/index.js';
import { actorOf, type Principal } from '../users/index.js';
import type { AccessSessionsStore, SessionRow } from './access-sessions.store.js';

export interface AccessSettings {
  /** Transcripts and captures older than this (by session end) are deleted; metadata stays. */
  recordingRetentionDays: number;
}

const DEFAULTS: AccessSettings = { recordingRetentionDays: 90 };

/**
 * The blob key of a recording (`recordings/<YYYY-MM>/<session>.<ext>`). Rows keep that key, or
 * (written before recordings moved to the blob store) the absolute path the file was written at,
 * `<dataDir>/recordings/<YYYY-MM>/<session>.<ext>`: the same month folder and file name.
 */
export function recordingKey(stored: string): string {
  return `recordings/${basename(dirname(stored))}/${basename(stored)}`;
}

async function sha256Of(body: Readable): Promise<string> {
  const h = createHash('sha256');
  for await (const c of body) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * Moves a finished recording from this replica's spool (`<spool>/<YYYY-MM>/<session>.<ext>`) to
 * the blob store, where every replica reads it; returns its key and what was stored.
 */
export async function storeRecording(blobs: BlobStore, spoolPath: string) {
  const key = recordingKey(spoolPath);
  const stored = await blobs.put(key, createReadStream(spoolPath));
  await rm(spoolPath, { force: true });
  return { key, ...stored };
}

/** Transcripts and captures: reading them back (checked against the sealed hash) and retention. */
export function createRecordings(d: {
  sessions: AccessSessionsStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  blobs: BlobStore;
}) {
  async function settings(): Promise<AccessSettings> {
    const v = await d.sessions.setting('recordingRetentionDays');
    return { recordingRetentionDays: v ? Number(v) : DEFAULTS.recordingRetentionDays };
  }

  async function putSettings(p: Principal, patch: Partial<AccessSettings>): Promise<AccessSettings> {
    if (patch.recordingRetentionDays !== undefined) {
      await d.sessions.putSetting(
        'recordingRetentionDays',
        String(patch.recordingRetentionDays),
        p.username,
        d.clock.now().toISOString(),
      );
    }
    await d.audit.record({
      actor: actorOf(p),
      action: 'access.settings.update',
      target: 'access-settings',
      details: { ...patch },
    });
    return settings();
  }

  /** A session's recording, after checking it still matches the hash sealed in the audit log. */
  async function read(
    p: Principal,
    row: SessionRow,
  ): Promise<{ body: Readable; kind: 'asciicast' | 'pcap'; sha256: string }> {
    if (!row.recording_path || !row.recording_kind) throw new NotFound('recording of session', row.id);
    if (row.recording_deleted_at)
      throw new Conflict(`the recording was deleted by retention on ${row.recording_deleted_at}`);
    const key = recordingKey(row.recording_path);
    const first = await d.blobs.get(key).catch(() => null);
    const sha256 = first ? await sha256Of(first).catch(() => 'unreadable') : 'missing';
    const intact = sha256 === row.recording_sha256;
    await d.audit.record({
      actor: actorOf(p),
      action: 'access.recording.read',
      target: `access-session:${row.id}`,
      outcome: intact ? 'ok' : 'failed',
      details: { intact },
    });
    const body = intact ? await d.blobs.get(key) : null;
    if (!body)
      throw new Conflict('the recording does not match the hash sealed when the session ended', {
        expected: row.recording_sha256,
        found: sha256,
      });
    return { body, kind: row.recording_kind as 'asciicast' | 'pcap', sha256 };
  }

  async function purge(): Promise<number> {
    const { recordingRetentionDays: days } = await settings();
    const before = new Date(d.clock.now().getTime() - days * 86_400_000).toISOString();
    const due = await d.sessions.recordingsEndedBefore(before, 500);
    for (const r of due) {
      await d.blobs.delete(recordingKey(r.path));
      await d.sessions.transition(r.id, ['closed', 'expired', 'terminated', 'failed'], {
        recording_deleted_at: d.clock.now().toISOString(),
      });
    }
    if (due.length)
      await d.audit.record({
        actor: SYSTEM_ACTOR,
        action: 'access.recording.purge',
        target: 'access-recordings',
        details: { sessions: due.length, retentionDays: days },
      });
    return due.length;
  }

  return { settings, putSettings, read, purge };
}
