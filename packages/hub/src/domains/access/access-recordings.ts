import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditLog } from '../audit/index.js';
import { SYSTEM_ACTOR } from '../audit/index.js';
import { actorOf, type Principal } from '../users/index.js';
import type { AccessSessionsStore, SessionRow } from './access-sessions.store.js';
import { sha256File } from './session-recorder.js';

export interface AccessSettings {
  /** Transcripts and captures older than this (by session end) are deleted; metadata stays. */
  recordingRetentionDays: number;
}

const DEFAULTS: AccessSettings = { recordingRetentionDays: 90 };

/**
 * Where a recording is now. Rows keep the absolute path the file was written at
 * (`<recordingsDir>/<YYYY-MM>/<session>.<ext>`); a data directory restored or moved elsewhere
 * holds the same month folder and file under its own recordings folder.
 */
export function recordingFile(recordingsDir: string, storedPath: string): string {
  return join(recordingsDir, basename(dirname(storedPath)), basename(storedPath));
}

/** Transcripts and captures: reading them back (checked against the sealed hash) and retention. */
export function createRecordings(d: {
  sessions: AccessSessionsStore;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  recordingsDir: string;
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

  /** The file of a session's recording, after checking it still matches the hash sealed in the audit log. */
  async function read(
    p: Principal,
    row: SessionRow,
  ): Promise<{ path: string; kind: 'asciicast' | 'pcap'; sha256: string }> {
    if (!row.recording_path || !row.recording_kind) throw new NotFound('recording of session', row.id);
    if (row.recording_deleted_at)
      throw new Conflict(`the recording was deleted by retention on ${row.recording_deleted_at}`);
    const path = recordingFile(d.recordingsDir, row.recording_path);
    const { sha256 } = await sha256File(path).catch(() => ({ sha256: 'missing' }));
    const intact = sha256 === row.recording_sha256;
    await d.audit.record({
      actor: actorOf(p),
      action: 'access.recording.read',
      target: `access-session:${row.id}`,
      outcome: intact ? 'ok' : 'failed',
      details: { intact },
    });
    if (!intact)
      throw new Conflict('the recording does not match the hash sealed when the session ended', {
        expected: row.recording_sha256,
        found: sha256,
      });
    return { path, kind: row.recording_kind as 'asciicast' | 'pcap', sha256 };
  }

  async function purge(): Promise<number> {
    const { recordingRetentionDays: days } = await settings();
    const before = new Date(d.clock.now().getTime() - days * 86_400_000).toISOString();
    const due = await d.sessions.recordingsEndedBefore(before, 500);
    for (const r of due) {
      await rm(recordingFile(d.recordingsDir, r.path), { force: true });
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
