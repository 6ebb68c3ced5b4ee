import type { Readable } from 'node:stream';
import {
  ErrorCode,
  parseAccessTarget,
  RELAY_DEVICE_PATH,
  RELAY_OPERATOR_PATH,
  type AccessOpenResult,
  type AccessPolicy,
  type AccessState,
} from '@outpost/protocol';
import type { BlobStore } from '../../platform/blob-store.js';
import type { Clock } from '../../platform/clock.js';
import { Conflict, Forbidden, HubError, NotFound, ValidationError } from '../../platform/errors.js';
import { newId, newSecret, sha256Hex } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { AuditLog } from '../audit/index.js';
import { SYSTEM_ACTOR } from '../audit/index.js';
import type { DeviceDirectory } from '../devices/index.js';
import type { DeviceScope, DeviceSelector } from '../devices/index.js';
import { actorOf, type Principal } from '../users/index.js';
import type { StepUp } from '../../platform/step-up.js';
import type { AccessPoliciesService } from './access-policies.service.js';
import type { AccessPoliciesStore } from './access-policies.store.js';
import { LIVE_STATES, toSession, type AccessSessionsStore, type SessionRow } from './access-sessions.store.js';
import { createSessionLifecycle } from './access-lifecycle.js';
import { createRelay } from './relay.hub.js';
import { createRecordings } from './access-recordings.js';
import type { WebSocket } from 'ws';
import type { Leg, EndState } from './relay.hub.js';
import type { AccessSession } from '@outpost/protocol';
import type { AccessSettings } from './access-recordings.js';

// How long a request may wait for its approver, an approved session for its opening, and an
// opened session for both legs to dial in.
const APPROVAL_WINDOW_MS = 60 * 60_000;
const OPEN_WINDOW_MS = 60 * 60_000;
const CONNECT_WINDOW_MS = 60_000;

export interface AccessDeps {
  sessions: AccessSessionsStore;
  policyStore: AccessPoliciesStore;
  policies: AccessPoliciesService;
  devices: DeviceDirectory;
  selector: DeviceSelector;
  users: { scopeOf(p: Principal): Promise<DeviceScope> };
  /** The second factor a policy asks for (`mfaMaxAgeS`), proved through the platform's step-up port. */
  stepUp: StepUp<Principal>;
  bus: DeviceBus;
  isReady(deviceId: string): boolean;
  /** This replica's relay address (wss://host:port, no path): both legs of a session it opens dial it. */
  relayUrl(): string;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Where finished recordings are kept. */
  blobs: BlobStore;
  /** This replica's folder for recordings being written. */
  recordingSpoolDir: string;
}

export interface SessionRequest {
  deviceId: string;
  target: string;
  reason?: string;
  durationS: number;
  otp?: string;
}

export interface AccessService {
  relay: {
    accept: (
      ws: WebSocket,
      leg: Leg,
      who: {
        userId?: string;
        deviceId?: string;
        sourceIp: string | null;
      },
    ) => void;
    end(id: string, state: EndState, reason: string): boolean;
    isLive: (id: string) => boolean;
    liveCount: () => number;
    closeAll(): Promise<void>;
  };
  request: (p: Principal, input: SessionRequest) => Promise<AccessOpenResult>;
  open: (p: Principal, id: string, otp?: string) => Promise<AccessOpenResult>;
  approve: (p: Principal, id: string, note?: string, otp?: string) => Promise<AccessSession>;
  deny: (p: Principal, id: string, note?: string) => Promise<AccessSession>;
  cancel: (p: Principal, id: string) => Promise<AccessSession>;
  terminate: (p: Principal, id: string, reason: string) => Promise<AccessSession>;
  list: (
    p: Principal,
    q: {
      deviceId?: string;
      states?: AccessState[];
      mine?: boolean;
      limit?: number;
      before?: string;
    },
  ) => Promise<AccessSession[]>;
  get: (p: Principal, id: string) => Promise<AccessSession>;
  recording: (
    p: Principal,
    id: string,
  ) => Promise<{
    body: Readable;
    kind: 'asciicast' | 'pcap';
    sha256: string;
  }>;
  settings: () => Promise<AccessSettings>;
  putSettings: (p: Principal, patch: Partial<AccessSettings>) => Promise<AccessSettings>;
  purgeRecordings: () => Promise<number>;
  sweep(): Promise<number>;
}

/** Brokered, time-boxed, recorded sessions to one target on one device. */
export function createAccessService(d: AccessDeps): AccessService {
  const life = createSessionLifecycle({
    sessions: d.sessions,
    policies: d.policyStore,
    bus: d.bus,
    audit: d.audit,
    clock: d.clock,
    logger: d.logger,
    blobs: d.blobs,
    spoolDir: d.recordingSpoolDir,
    relayUrl: d.relayUrl,
  });
  const relay = createRelay({ port: life.port, clock: d.clock, logger: d.logger });
  life.bindRelay(relay.end);
  const recordings = createRecordings({
    sessions: d.sessions,
    audit: d.audit,
    clock: d.clock,
    logger: d.logger,
    blobs: d.blobs,
  });
  const now = () => d.clock.now();

  async function visible(p: Principal, deviceId: string): Promise<boolean> {
    return (await d.users.scopeOf(p)).contains(deviceId);
  }

  async function mustSee(p: Principal, id: string): Promise<SessionRow> {
    const row = await d.sessions.get(id);
    if (!row || !(await visible(p, row.device_id))) throw new NotFound('access session', id);
    return row;
  }

  /** A fresh second factor when the policy asks for one; an `otp` in the request can provide it. */
  async function stepUp(
    p: Principal,
    policy: AccessPolicy,
    otp: string | undefined,
    refused: (reason: string) => Promise<unknown>,
  ): Promise<Principal> {
    if (policy.mfaMaxAgeS === null) return p;
    try {
      return await d.stepUp.require(p, { maxAgeS: policy.mfaMaxAgeS, onlyIfEnrolled: false }, otp);
    } catch (err) {
      // A wrong code is refused by the proof itself (mfa_invalid), not recorded as a missing step-up.
      if (err instanceof HubError && err.code === ErrorCode.MfaStepUpRequired) await refused('mfa_step_up_required');
      throw err;
    }
  }

  async function request(p: Principal, input: SessionRequest): Promise<AccessOpenResult> {
    const t = parseAccessTarget(input.target);
    if (!t.ok) throw new ValidationError(t.message, { path: '/target' });
    const refused = (reason: string, extra: Record<string, unknown> = {}) =>
      d.audit.record({
        actor: actorOf(p),
        action: 'access.session.request',
        target: `device:${input.deviceId}`,
        outcome: 'denied',
        details: { target: t.text, reason, ...extra },
      });
    const exists = await d.devices.exists(input.deviceId);
    if (!exists || !(await visible(p, input.deviceId))) {
      // Same answer for "no such device" and "not yours to see": existence is not leaked.
      await refused(exists ? 'device_not_visible' : 'device_not_found');
      throw new NotFound('device', input.deviceId);
    }
    const policy = await d.policies.resolve(input.deviceId, t.text);
    if (!policy) {
      await refused('target_not_allowed');
      throw new HubError(ErrorCode.AccessDenied, `no access policy allows ${t.text} on ${input.deviceId}`, {
        reason: 'target_not_allowed',
      });
    }
    if (!policy.roles.includes(p.role)) {
      await refused('role_not_allowed', { policy: policy.name });
      throw new HubError(
        ErrorCode.AccessDenied,
        `policy "${policy.name}" does not let the ${p.role} role open ${t.text}`,
        { reason: 'role_not_allowed' },
      );
    }
    if (input.durationS > policy.maxDurationS) {
      await refused('duration_too_long', { policy: policy.name });
      throw new ValidationError(`policy "${policy.name}" allows at most ${policy.maxDurationS} s`, {
        path: '/durationS',
      });
    }
    const reason = input.reason?.trim() || null;
    if (policy.requireReason && !reason) {
      await refused('reason_required', { policy: policy.name });
      throw new ValidationError(`policy "${policy.name}" needs a reason for the record`, { path: '/reason' });
    }
    const proved = await stepUp(p, policy, input.otp, refused);
    if ((await d.sessions.countLive(input.deviceId, policy.id)) >= policy.maxConcurrent) {
      await refused('session_limit', { policy: policy.name });
      throw new HubError(
        ErrorCode.AccessLimit,
        `policy "${policy.name}" allows ${policy.maxConcurrent} session(s) at a time on this device`,
      );
    }
    const at = now();
    const row = newRow(proved, input.deviceId, t.text, policy, reason, input.durationS, at);
    await d.sessions.insert(row);
    await d.audit.record({
      actor: actorOf(proved),
      action: 'access.session.request',
      target: `access-session:${row.id}`,
      details: {
        device: row.device_id,
        target: row.target,
        reason,
        durationS: row.duration_s,
        policy: policy.name,
        approval: policy.requireApproval,
      },
    });
    if (policy.requireApproval) return { session: toSession(row), operatorToken: null, relayPath: RELAY_OPERATOR_PATH };
    const deadline = new Date(at.getTime() + OPEN_WINDOW_MS).toISOString();
    await life.move(
      row,
      ['requested'],
      'approved',
      { approved_by: `policy:${policy.name}`, approved_at: at.toISOString(), deadline },
      SYSTEM_ACTOR,
      { auto: true, policy: policy.name },
    );
    return open(proved, row.id);
  }

  function newRow(
    p: Principal,
    deviceId: string,
    target: string,
    policy: AccessPolicy,
    reason: string | null,
    durationS: number,
    at: Date,
  ): SessionRow {
    return {
      id: newId('acs'),
      device_id: deviceId,
      target,
      policy_id: policy.id,
      state: 'requested',
      reason,
      requested_by: p.username,
      requested_by_user: p.userId,
      requested_at: at.toISOString(),
      duration_s: durationS,
      approved_by: null,
      approved_at: null,
      opened_at: null,
      started_at: null,
      ended_at: null,
      deadline: new Date(at.getTime() + APPROVAL_WINDOW_MS).toISOString(),
      expires_at: null,
      close_reason: null,
      operator_token_hash: null,
      operator_token_used_at: null,
      device_token_hash: null,
      device_token_used_at: null,
      bytes_to_device: 0,
      bytes_from_device: 0,
      streams: 0,
      recording_kind: null,
      recording_path: null,
      recording_sha256: null,
      recording_bytes: 0,
      recording_deleted_at: null,
      relay_url: null,
    };
  }

  /** The requester starts an approved session: two single-use tokens, and the device is told to dial. */
  async function open(p: Principal, id: string, otp?: string): Promise<AccessOpenResult> {
    const row = await mustSee(p, id);
    if (row.requested_by_user !== p.userId) throw new Forbidden('only the person who requested a session opens it');
    if (row.state !== 'approved' || row.operator_token_hash)
      throw new Conflict(row.operator_token_hash ? 'this session was opened already' : `the session is ${row.state}`);
    const policy = await d.policyStore.get(row.policy_id);
    if (!policy) throw new Conflict('the policy of this session was deleted');
    const refused = (reason: string) =>
      d.audit.record({
        actor: actorOf(p),
        action: 'access.session.open',
        target: `access-session:${id}`,
        outcome: 'denied',
        details: { reason },
      });
    await stepUp(p, policy, otp, refused);
    if (!d.isReady(row.device_id)) {
      await life.move(row, ['approved'], 'failed', { close_reason: 'device_offline' }, SYSTEM_ACTOR, {
        reason: 'device_offline',
      });
      throw new HubError(ErrorCode.DeviceOffline, `device "${row.device_id}" is not connected`);
    }
    const operatorToken = newSecret();
    const deviceToken = newSecret();
    const at = now();
    const expiresAt = new Date(at.getTime() + row.duration_s * 1000).toISOString();
    const patch = {
      opened_at: at.toISOString(),
      expires_at: expiresAt,
      deadline: new Date(Math.min(at.getTime() + CONNECT_WINDOW_MS, Date.parse(expiresAt))).toISOString(),
      operator_token_hash: sha256Hex(operatorToken),
      device_token_hash: sha256Hex(deviceToken),
      // Several replicas may share the database: both legs meet on this one, whichever the other leg would reach.
      relay_url: d.relayUrl(),
    };
    if (!(await d.sessions.transition(id, ['approved'], patch))) throw new Conflict('the session changed meanwhile');
    await d.audit.record({
      actor: actorOf(p),
      action: 'access.session.open',
      target: `access-session:${id}`,
      details: { device: row.device_id, target: row.target, expiresAt },
    });
    const relayUrl = `${patch.relay_url}${RELAY_DEVICE_PATH}`;
    await d.bus.publish(
      row.device_id,
      'access/req',
      { v: 1, op: 'open', session: id, target: row.target, relayUrl, token: deviceToken, ttlMs: row.duration_s * 1000 },
      { qos: 1 },
    );
    return {
      session: toSession({ ...row, ...patch }),
      operatorToken,
      relayPath: RELAY_OPERATOR_PATH,
      relayUrl: `${patch.relay_url}${RELAY_OPERATOR_PATH}`,
    };
  }

  /** A second person lets a waiting request through. */
  async function approve(p: Principal, id: string, note?: string, otp?: string) {
    const row = await mustSee(p, id);
    if (row.state !== 'requested') throw new Conflict(`the session is ${row.state}`);
    if (row.requested_by_user === p.userId) throw new Forbidden('a second person must approve this request');
    const policy = await d.policyStore.get(row.policy_id);
    if (!policy) throw new Conflict('the policy of this session was deleted');
    if (!policy.roles.includes(p.role) && p.role !== 'admin')
      throw new Forbidden(`policy "${policy.name}" does not let the ${p.role} role approve`);
    await stepUp(p, policy, otp, (reason) =>
      d.audit.record({
        actor: actorOf(p),
        action: 'access.session.approve',
        target: `access-session:${id}`,
        outcome: 'denied',
        details: { reason },
      }),
    );
    const deadline = new Date(now().getTime() + OPEN_WINDOW_MS).toISOString();
    if (
      !(await life.move(
        row,
        ['requested'],
        'approved',
        { approved_by: p.username, approved_at: now().toISOString(), deadline },
        actorOf(p),
        { note: note ?? null },
      ))
    ) {
      throw new Conflict('the session changed meanwhile');
    }
    return toSession((await d.sessions.get(id))!);
  }

  async function deny(p: Principal, id: string, note?: string) {
    const row = await mustSee(p, id);
    if (
      !(await life.move(row, ['requested'], 'denied', { approved_by: p.username, close_reason: 'denied' }, actorOf(p), {
        note: note ?? null,
      }))
    ) {
      throw new Conflict(`the session is ${row.state}`);
    }
    return toSession((await d.sessions.get(id))!);
  }

  /** Ends a session: the requester's cancel, or an admin's kill switch (`terminated`). */
  async function stop(p: Principal, id: string, kill: { reason: string } | null) {
    const row = await mustSee(p, id);
    if (!kill && row.requested_by_user !== p.userId && p.role !== 'admin')
      throw new Forbidden('only the requester or an admin ends a session');
    const state: AccessState = kill ? 'terminated' : 'closed';
    const reason = kill ? 'killed' : 'canceled';
    // State first (one UPDATE, milliseconds), so the relay's own end report finds it ended and only
    // adds counters and the recording; then the sockets, which close at once.
    const moved = await life.move(
      row,
      LIVE_STATES,
      state,
      { close_reason: reason },
      actorOf(p),
      kill ? { reason: kill.reason } : {},
    );
    const wasLive = relay.end(id, state === 'terminated' ? 'terminated' : 'closed', reason);
    if (!moved && !wasLive) throw new Conflict(`the session is ${row.state}`);
    life.closeOnDevice(row, reason);
    return toSession((await d.sessions.get(id))!);
  }

  async function list(
    p: Principal,
    q: { deviceId?: string; states?: AccessState[]; mine?: boolean; limit?: number; before?: string },
  ) {
    // Narrowed in the query, so a page holds `limit` sessions of the caller's scope.
    const inScope = await (await d.users.scopeOf(p)).ids();
    const rows = await d.sessions.list({
      deviceId: q.deviceId,
      deviceIn: inScope ? [...inScope] : undefined,
      states: q.states,
      requestedByUser: q.mine ? p.userId : undefined,
      before: q.before,
      limit: q.limit ?? 100,
    });
    return rows.map(toSession);
  }

  let recovered = false;
  return {
    relay,
    request,
    open,
    approve,
    deny,
    cancel: (p: Principal, id: string) => stop(p, id, null),
    terminate: (p: Principal, id: string, reason: string) => stop(p, id, { reason }),
    list,
    get: async (p: Principal, id: string) => toSession(await mustSee(p, id)),
    recording: async (p: Principal, id: string) => recordings.read(p, await mustSee(p, id)),
    settings: recordings.settings,
    putSettings: recordings.putSettings,
    purgeRecordings: recordings.purge,
    async sweep() {
      if (!recovered) {
        recovered = true;
        await life.recover(relay.isLive);
      }
      return life.sweep();
    },
  };
}
