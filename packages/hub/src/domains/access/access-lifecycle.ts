import { join } from 'node:path';
import { isTerminalTarget, parseAccessTarget, type AccessState, type RelayAuth } from '@outpost/protocol';
import type { BlobStore } from '../../platform/blob-store.js';
import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import { sha256Hex } from '../../platform/ids.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { AuditLog } from '../audit/index.js';
import { SYSTEM_ACTOR, type Actor } from '../audit/index.js';
import type { AccessPoliciesStore } from './access-policies.store.js';
import { LIVE_STATES, type AccessSessionsStore, type SessionPatch, type SessionRow } from './access-sessions.store.js';
import type { AdmittedSession, EndState, Leg, RelayPort, SessionEnd } from './relay.hub.js';
import { storeRecording } from './access-recordings.js';
import { createAsciicastRecorder, type Recorder } from './session-recorder.js';
import { createPcapRecorder } from './tcp-capture.js';

/** The audit action for arriving in a state. */
export const STATE_ACTION: Record<AccessState, string> = {
  requested: 'access.session.request',
  approved: 'access.session.approve',
  active: 'access.session.start',
  closed: 'access.session.close',
  expired: 'access.session.expire',
  terminated: 'access.session.terminate',
  denied: 'access.session.deny',
  failed: 'access.session.fail',
};

export interface LifecycleDeps {
  sessions: AccessSessionsStore;
  policies: AccessPoliciesStore;
  bus: DeviceBus;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Where finished recordings are kept (every replica reads them there). */
  blobs: BlobStore;
  /** This replica's own folder for recordings being written; each moves to `blobs` when its session ends. */
  spoolDir: string;
  /** This replica's relay address; a leg of a session opened for another replica's relay is refused. */
  relayUrl(): string;
}

/**
 * State changes that follow from what the relay and the clock observe: legs joining, sessions
 * starting and ending, deadlines passing. Every change is one conditional UPDATE and one audit record.
 */
export function createSessionLifecycle(d: LifecycleDeps) {
  const nowIso = () => d.clock.now().toISOString();
  let endLive: (id: string, state: EndState, reason: string) => boolean = () => false;

  /** Moves a session from one of `from` to `to`; audits it; false when it had moved on already. */
  async function move(
    row: SessionRow,
    from: AccessState[],
    to: AccessState,
    patch: SessionPatch,
    actor: Actor,
    details: Record<string, unknown> = {},
  ) {
    const ended = ['closed', 'expired', 'terminated', 'denied', 'failed'].includes(to);
    const full: SessionPatch = { ...patch, state: to, ...(ended ? { ended_at: nowIso() } : {}) };
    if (!(await d.sessions.transition(row.id, from, full))) return false;
    await d.audit.record({
      actor,
      action: STATE_ACTION[to],
      target: `access-session:${row.id}`,
      details: { device: row.device_id, target: row.target, from: row.state, ...details },
    });
    return true;
  }

  /** Tells the agent to drop the session whatever its relay link looks like. */
  function closeOnDevice(row: SessionRow, reason: string) {
    // A device that is not connected enforces the end on its own clock; the hub going down is no reason to tell it.
    if (!row.opened_at || reason === 'hub_stopping' || !d.bus.isConnected(row.device_id)) return;
    d.bus
      .publish(row.device_id, 'access/req', { v: 1, op: 'close', session: row.id, reason }, { qos: 1 })
      .catch((err: unknown) => d.logger.debug({ err, session: row.id }, 'access close not delivered'));
  }

  async function admit(
    leg: Leg,
    auth: RelayAuth,
    who: { userId?: string; deviceId?: string; sourceIp: string | null },
  ) {
    const row = await d.sessions.get(auth.session);
    const actor: Actor =
      leg === 'device'
        ? { type: 'device', id: who.deviceId ?? 'unknown', sourceIp: who.sourceIp }
        : { type: 'user', id: who.userId ?? 'unknown', sourceIp: who.sourceIp };
    const refuse = async (reason: string, message: string) => {
      await d.audit.record({
        actor,
        action: 'access.relay.refuse',
        target: `access-session:${auth.session}`,
        outcome: 'denied',
        details: { leg, reason },
      });
      return { ok: false as const, reason, message };
    };
    if (!row) return refuse('unknown_session', 'no such session');
    if (leg === 'operator' && who.userId !== row.requested_by_user)
      return refuse('wrong_user', 'this session belongs to someone else');
    if (leg === 'device' && who.deviceId !== row.device_id)
      return refuse('wrong_device', 'this session is for another device');
    // A token never outlives its session: one presented after the TTL is refused even before the
    // sweep has marked the session expired (the relay would otherwise splice it for an instant).
    if (row.expires_at && Date.parse(row.expires_at) <= Date.parse(nowIso()))
      return refuse('token_expired', "the session's time is up: its tokens no longer open it");
    if (row.state !== 'approved' || !row.opened_at || !row.expires_at) {
      return refuse(
        'session_not_open',
        `the session is ${row.state}${row.close_reason ? ` (${row.close_reason})` : ''}`,
      );
    }
    // Both legs dial the replica the session names; one that reached another replica (a load
    // balancer's choice) is sent there, its token unspent, instead of waiting for a peer that never comes.
    if (row.relay_url && row.relay_url !== d.relayUrl())
      return refuse('wrong_relay', `this session's legs meet at ${row.relay_url}`);
    const expected = leg === 'operator' ? row.operator_token_hash : row.device_token_hash;
    const hash = sha256Hex(auth.token);
    if (hash !== expected) return refuse('token_invalid', 'wrong token for this session');
    if (!(await d.sessions.spendToken(row.id, leg, hash, nowIso())))
      return refuse('token_spent', 'this token was used already');
    await d.audit.record({ actor, action: 'access.relay.join', target: `access-session:${row.id}`, details: { leg } });
    const target = parseAccessTarget(row.target);
    const terminal = target.ok && isTerminalTarget(target.target);
    const policy = await d.policies.get(row.policy_id);
    const session: AdmittedSession = {
      id: row.id,
      deviceId: row.device_id,
      target: row.target,
      terminal,
      expiresAtMs: Date.parse(row.expires_at),
      record: terminal ? 'asciicast' : policy?.captureTcp ? 'pcap' : null,
      title: `${row.requested_by} on ${row.device_id} ${row.target}`,
    };
    return { ok: true as const, session };
  }

  async function activate(id: string) {
    const row = await d.sessions.get(id);
    if (!row) return false;
    return move(
      row,
      ['approved'],
      'active',
      { started_at: nowIso(), deadline: row.expires_at ?? nowIso() },
      SYSTEM_ACTOR,
    );
  }

  function recorder(s: AdmittedSession): Recorder | null {
    const month = nowIso().slice(0, 7);
    const now = () => d.clock.now().getTime();
    if (s.record === 'asciicast')
      return createAsciicastRecorder(join(d.spoolDir, month, `${s.id}.cast`), {
        title: s.title,
        startedAtMs: now(),
        now,
      });
    if (s.record === 'pcap') {
      const t = parseAccessTarget(s.target);
      const port = t.ok && t.target.kind === 'tcp' ? t.target.port : 0;
      return createPcapRecorder(join(d.spoolDir, month, `${s.id}.pcap`), { serverPort: port, now });
    }
    return null;
  }

  /** The finished recording, moved to the blob store; null (logged) when that fails. */
  async function kept(id: string, r: NonNullable<SessionEnd['recording']>) {
    try {
      const stored = await storeRecording(d.blobs, r.path);
      return { kind: r.kind, path: stored.key, sha256: stored.sha256, bytes: stored.size };
    } catch (err) {
      d.logger.error({ err, session: id, spool: r.path }, 'recording could not be stored');
      return null;
    }
  }

  async function ended(id: string, finished: SessionEnd) {
    const row = await d.sessions.get(id);
    if (!row) return;
    const end = { ...finished, recording: finished.recording ? await kept(id, finished.recording) : null };
    const counters: SessionPatch = {
      bytes_to_device: end.toDevice,
      bytes_from_device: end.fromDevice,
      streams: end.streams,
      ...(end.recording
        ? {
            recording_kind: end.recording.kind,
            recording_path: end.recording.path,
            recording_sha256: end.recording.sha256,
            recording_bytes: end.recording.bytes,
          }
        : {}),
    };
    const bytes = { toDevice: end.toDevice, fromDevice: end.fromDevice, streams: end.streams };
    const moved = await move(row, LIVE_STATES, end.state, { ...counters, close_reason: end.reason }, SYSTEM_ACTOR, {
      reason: end.reason,
      ...bytes,
      durationS: durationOf(row),
    });
    // Ended already (kill switch, cancel): keep the counters and the recording all the same.
    if (!moved) await d.sessions.transition(id, ['closed', 'expired', 'terminated', 'failed'], counters);
    if (end.recording) {
      await d.audit.record({
        actor: SYSTEM_ACTOR,
        action: 'access.recording.seal',
        target: `access-session:${id}`,
        details: { kind: end.recording.kind, sha256: end.recording.sha256, bytes: end.recording.bytes },
      });
    }
    if (end.reason !== 'device_closed') closeOnDevice(row, end.reason);
  }

  function durationOf(row: SessionRow): number | null {
    return row.started_at ? Math.round((d.clock.now().getTime() - Date.parse(row.started_at)) / 1000) : null;
  }

  /** Backstop for every deadline: approval, opening, connecting, and the TTL itself. */
  async function sweep(): Promise<number> {
    const due = await d.sessions.due(nowIso(), 200);
    for (const row of due) {
      const [state, reason]: [EndState, string] =
        row.state === 'requested'
          ? ['expired', 'approval_timeout']
          : row.state === 'active'
            ? ['expired', 'ttl']
            : row.opened_at
              ? ['expired', 'not_connected']
              : ['expired', 'not_opened'];
      // A live session ends through the relay, which then reports the end with its counters.
      if (endLive(row.id, state, reason)) continue;
      if (await move(row, [row.state as AccessState], state, { close_reason: reason }, SYSTEM_ACTOR, { reason }))
        closeOnDevice(row, reason);
    }
    return due.length;
  }

  /**
   * After a restart no relay holds the sessions that were active on this replica: they are over.
   * Sessions spliced by other replicas sharing the database are theirs (a session without a relay
   * address predates replicas and was this hub's).
   */
  async function recover(isLive: (id: string) => boolean) {
    const rows = await d.sessions.list({ states: ['active'], limit: 1000 });
    for (const row of rows) {
      if (isLive(row.id) || (row.relay_url && row.relay_url !== d.relayUrl())) continue;
      if (
        await move(row, ['active'], 'closed', { close_reason: 'hub_restarted' }, SYSTEM_ACTOR, {
          reason: 'hub_restarted',
        })
      )
        closeOnDevice(row, 'hub_restarted');
    }
  }

  const port: RelayPort = { admit, activate, recorder, ended };
  return {
    port,
    move,
    closeOnDevice,
    sweep,
    recover,
    bindRelay(fn: (id: string, state: EndState, reason: string) => boolean) {
      endLive = fn;
    },
  };
}

export type SessionLifecycle = ReturnType<typeof createSessionLifecycle>;
