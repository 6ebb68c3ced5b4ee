import {
  MAX_GRANTS_PER_DEVICE,
  guardPolicyProblem,
  type DeviceEventRecord,
  type DeviceGuardStatus,
  type GuardBlockedPerHour,
  type GuardGrantRecord,
  type GuardGrantRequest,
  type GuardPolicyInput,
  type GuardPolicyRecord,
  type GuardPolicyScope,
  type GuardKeyEndorsement,
  type GuardKeyInfo,
  type GuardKeyRotation,
  type GuardPolicySet,
  type WriteGrant,
} from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Logger } from '../../platform/logger.js';
import { groupVisible } from '../../platform/scope-reach.js';
import { DANGEROUS_ACTION, type StepUp } from '../../platform/step-up.js';
import type { DeviceBus } from '../../platform/device-bus.js';
import type { AuditLog } from '../audit/index.js';
import { SYSTEM_ACTOR, type Actor } from '../audit/index.js';
import type { DeviceDirectory, DeviceHistory } from '../devices/index.js';
import type { DeviceScope, DeviceSelector } from '../devices/index.js';
import type { GroupsStore } from '../groups/index.js';
import { actorOf, type Principal } from '../users/index.js';
import type { GuardEventQuery, GuardStore } from './guard.store.js';
import {
  loadOrCreateGuardSigner,
  publicKeyFingerprint,
  rotateGuardSigner,
  type GuardSigner,
} from './guard-signing.key.js';
import type { GuardKeysStore } from './guard-keys.store.js';
import { policyDoc } from './guard-document.js';
import { createGuardSync, signedGrant } from './guard-sync.js';

// Grants are short by design: long enough for a maintenance job, never a standing permission.
export const MAX_GRANT_S = 8 * 3600;
export const MIN_GRANT_S = 60;
// The grant also holds a little before its issue time, so a device whose clock runs behind
// the hub's does not see a fresh grant as "not yet valid". Expiry is never moved.
const CLOCK_SKEW_ALLOWANCE_MS = 120_000;
const MAX_FANOUT = 100_000;

/** The key in force and its endorsement chain, which a document signed by it names. */
export interface GuardSigningKey {
  signingKey: string;
  keyChain: GuardKeyEndorsement[];
}

/** OT guard policies (device and group, versioned), signed write grants, guard events, and their delivery to agents. */
export interface GuardService {
  status(deviceId: string): Promise<DeviceGuardStatus>;
  /** `guard.blocked` events of one device per hour over the last `hours`, counted by the database. */
  blockedPerHour(deviceId: string, hours: number): Promise<GuardBlockedPerHour>;
  /** The revisions of one device's or group's policy, newest first. */
  history(scope: GuardPolicyScope, target: string, limit?: number): Promise<GuardPolicyRecord[]>;
  /** Every device and group policy in force, group policies first; a scoped reader sees those of its groups and devices. */
  policies(caller: DeviceScope, q: { scope?: GuardPolicyScope; limit?: number }): Promise<GuardPolicyRecord[]>;
  /** Sets (or, with null, clears) a policy and publishes the documents of the devices it reaches. */
  setPolicy(
    actor: Actor,
    scope: GuardPolicyScope,
    target: string,
    policy: GuardPolicyInput | null,
  ): Promise<GuardPolicySet>;
  /** Signs and delivers a write grant, after a step-up of the caller (`otp`: a code sent with the request). */
  issueGrant(p: Principal, deviceId: string, req: GuardGrantRequest, otp?: string): Promise<GuardGrantRecord>;
  /** Revokes a grant of a device in `scope`; one outside it is answered as not found. */
  revokeGrant(actor: Actor, scope: DeviceScope, id: string, reason: string): Promise<GuardGrantRecord>;
  /** Guard events (`guard.*`, or one `type` of them), newest first. */
  events(q: GuardEventQuery): Promise<DeviceEventRecord[]>;
  /** Grants, newest first; `deviceIn` narrows them to a scoped reader's devices. */
  grants(q: {
    deviceId?: string;
    deviceIn?: readonly string[];
    active?: boolean;
    limit?: number;
  }): Promise<GuardGrantRecord[]>;
  publicKey(): Promise<GuardKeyInfo>;
  /**
   * Replaces the grant-signing key (admins, with a fresh second factor when enrolled). Live grants
   * are signed again by the new key, and every device's document changes to carry the new key
   * with the endorsement chain its agent follows from the key it trusts.
   */
  rotateKey(p: Principal, reason: string, otp?: string): Promise<GuardKeyRotation>;
  /**
   * Signs a device document of another domain (a broker move) with the key in force, between
   * rotations: `bytes` gets the key and chain, which the signed body names, and returns what to sign.
   */
  signForDevice(bytes: (key: GuardSigningKey) => Uint8Array): Promise<GuardSigningKey & { signature: string }>;
  /** A device is back: (re)publish its document; the broker keeps retained messages only in memory. */
  onReady(deviceId: string): Promise<void>;
  /** Group membership may have changed (tags, static members, group filters, reported attributes): publish what changed. */
  membershipChanged(change: readonly string[] | 'all'): Promise<void>;
}

export interface GuardDeps {
  store: GuardStore;
  /** Guard events are device events (`guard.*`), kept by the devices domain. */
  deviceEvents: Pick<DeviceHistory, 'events' | 'lastEvent' | 'eventsPerHour'>;
  /** Rotations of the grant-signing key. */
  keys: GuardKeysStore;
  devices: DeviceDirectory;
  groups: GroupsStore;
  selector: DeviceSelector;
  bus: DeviceBus;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  kek: Buffer;
  /**
   * Asked before a write grant is issued and before the key is replaced (`DANGEROUS_ACTION`): throws
   * `mfa_step_up_required` when the caller must prove a fresh second factor.
   */
  stepUp: StepUp;
}

function checkPolicy(p: GuardPolicyInput): void {
  const problem = guardPolicyProblem(p);
  if (problem) throw new ValidationError(problem.message, { path: problem.path });
}

function checkGrant(g: GuardGrantRequest): string {
  if (g.end < g.start) throw new ValidationError('end must not be below start', { path: '/end' });
  if (!(g.durationS >= MIN_GRANT_S && g.durationS <= MAX_GRANT_S)) {
    throw new ValidationError(`durationS must be between ${MIN_GRANT_S} and ${MAX_GRANT_S}`, { path: '/durationS' });
  }
  const reason = g.reason.trim();
  if (!reason) throw new ValidationError('say why the write is needed', { path: '/reason' });
  if (g.setsState !== undefined && !g.ticket?.trim())
    throw new ValidationError('a grant that sets a state names its ticket', { path: '/ticket' });
  if (g.ticket !== undefined && g.setsState === undefined)
    throw new ValidationError('a ticket goes with a state the grant sets', { path: '/setsState' });
  return reason;
}

/** How many policies a scoped list looks through for those of the caller's groups and devices. */
const MAX_SCOPED_POLICIES = 10_000;

export function createGuardService(d: GuardDeps): GuardService {
  let signerP: Promise<GuardSigner> | undefined;
  let anyState: boolean | undefined;
  const nowIso = () => d.clock.now().toISOString();
  // Signing a grant and rotating the key take turns, so no grant is signed by a key just retired.
  let keyTurn: Promise<unknown> = Promise.resolve();
  function withKey<T>(fn: () => Promise<T>): Promise<T> {
    const run = keyTurn.then(fn, fn);
    keyTurn = run.catch(() => undefined);
    return run;
  }

  function signer(): Promise<GuardSigner> {
    signerP ??= loadOrCreateGuardSigner(d.store, d.keys, d.kek, nowIso()).then(async ({ signer: s, created }) => {
      if (created)
        await d.audit.record({
          actor: SYSTEM_ACTOR,
          action: 'guard.key.create',
          target: 'guard-key:grant-signing',
          details: { fingerprint: s.fingerprint },
        });
      return s;
    });
    signerP.catch(() => (signerP = undefined));
    return signerP;
  }

  async function mustDevice(id: string) {
    const dev = await d.devices.get(id);
    if (!dev || dev.decommissioned) throw new NotFound('device', id);
    return dev;
  }

  async function mustGroup(path: string) {
    const g = await d.groups.byPath(path);
    if (!g) throw new NotFound('group', path);
    return g;
  }

  async function activeGrants(deviceId: string): Promise<WriteGrant[]> {
    const live = await d.store.grants({ deviceId, liveAtIso: nowIso(), limit: MAX_GRANTS_PER_DEVICE }, nowIso());
    return live.map(signedGrant).sort((a, b) => a.id.localeCompare(b.id));
  }

  // Static or dynamic: a group's policy reaches the devices its membership selects now, and
  // membership changes recompute the documents they affect (`membershipChanged`).
  const docs = createGuardSync({ ...d, signer });

  /** Publishes the device's document when its content changed (or again, retained, when `republish`). */
  async function sync(deviceId: string, republish = false): Promise<void> {
    await docs.sync([deviceId], republish);
  }

  async function fanOut(scope: GuardPolicyScope, target: string): Promise<number> {
    const ids =
      scope === 'device'
        ? [target]
        : await d.devices.ids(await d.selector.where(`group = ${JSON.stringify(target)}`), MAX_FANOUT);
    await docs
      .sync(ids)
      .catch((err: unknown) => d.logger.warn({ err, scope, target }, 'guard documents not published'));
    return ids.length;
  }

  async function checkTarget(scope: GuardPolicyScope, target: string): Promise<void> {
    if (scope === 'device') await mustDevice(target);
    else await mustGroup(target);
  }

  async function setPolicy(
    actor: Actor,
    scope: GuardPolicyScope,
    target: string,
    policy: GuardPolicyInput | null,
  ): Promise<GuardPolicySet> {
    await checkTarget(scope, target);
    if (policy) checkPolicy(policy);
    const record = await d.store.insertPolicy({ scope, target, policy, createdBy: actor.id, createdAt: nowIso() });
    anyState = true;
    await d.audit.record({
      actor,
      action: policy ? 'guard.policy.set' : 'guard.policy.clear',
      target: `${scope}:${target}`,
      details: policy
        ? { version: record.version, mode: policy.mode, readOnly: policy.readOnly, classes: policy.allowedClasses }
        : { version: record.version },
    });
    const devices = await fanOut(scope, target);
    return { ...record, devices };
  }

  async function issueGrant(
    p: Principal,
    deviceId: string,
    req: GuardGrantRequest,
    otp?: string,
  ): Promise<GuardGrantRecord> {
    const reason = checkGrant(req);
    await mustDevice(deviceId);
    await d.stepUp.require(p, DANGEROUS_ACTION, otp);
    const actor = actorOf(p);
    if ((await activeGrants(deviceId)).length >= MAX_GRANTS_PER_DEVICE)
      throw new Conflict(`device "${deviceId}" already has ${MAX_GRANTS_PER_DEVICE} active grants; revoke one first`);
    const now = d.clock.now().getTime();
    const grant = await withKey(async () => {
      const g = (await signer()).signGrant({
        id: newId('grt'),
        deviceId,
        unit: req.unit,
        table: req.table,
        start: req.start,
        end: req.end,
        notBefore: now - CLOCK_SKEW_ALLOWANCE_MS,
        expiresAt: now + req.durationS * 1000,
        reason,
        grantedBy: actor.id,
        ...(req.setsState !== undefined ? { setsState: req.setsState, ticket: req.ticket!.trim() } : {}),
      });
      await d.store.insertGrant(g, new Date(now).toISOString());
      return g;
    });
    anyState = true;
    await d.audit.record({
      actor,
      action: 'guard.grant.issue',
      target: `device:${deviceId}`,
      details: {
        grant: grant.id,
        unit: grant.unit,
        table: grant.table,
        start: grant.start,
        end: grant.end,
        expiresAt: new Date(grant.expiresAt).toISOString(),
        reason,
        ...(grant.setsState ? { setsState: grant.setsState, ticket: grant.ticket } : {}),
      },
    });
    await sync(deviceId).catch((err: unknown) => d.logger.warn({ err, deviceId }, 'guard document not published'));
    return (await d.store.grant(grant.id, nowIso()))!;
  }

  async function revokeGrant(actor: Actor, scope: DeviceScope, id: string, reason: string): Promise<GuardGrantRecord> {
    const g = await d.store.grant(id, nowIso());
    // A grant to a device outside the caller's scope is answered as one that does not exist.
    if (!g || !(await scope.contains(g.deviceId))) throw new NotFound('grant', id);
    if (!(await d.store.revokeGrant(id, actor.id, reason, nowIso())))
      throw new Conflict(`grant "${id}" is already revoked`);
    await d.audit.record({
      actor,
      action: 'guard.grant.revoke',
      target: `device:${g.deviceId}`,
      details: { grant: id, reason },
    });
    await sync(g.deviceId).catch((err: unknown) =>
      d.logger.warn({ err, deviceId: g.deviceId }, 'guard document not published'),
    );
    return (await d.store.grant(id, nowIso()))!;
  }

  async function rotateKey(p: Principal, reasonIn: string, otp?: string): Promise<GuardKeyRotation> {
    const reason = reasonIn.trim();
    if (!reason) throw new ValidationError('say why the key is replaced', { path: '/reason' });
    await d.stepUp.require(p, DANGEROUS_ACTION, otp);
    const actor = actorOf(p);
    const r = await withKey(async () => {
      const current = await signer();
      const next = await rotateGuardSigner(d.keys, d.kek, current, d.clock.now().getTime(), {
        actor: actor.id,
        reason,
      });
      if (!next) throw new Conflict('the key was replaced a moment ago by another request; look at it again');
      signerP = Promise.resolve(next);
      const live = await d.store.grants({ liveAtIso: nowIso(), limit: MAX_FANOUT }, nowIso());
      await d.keys.resign(live.map((g) => ({ id: g.id, signature: next.signGrant(signedGrant(g)).signature })));
      return { from: current.fingerprint, to: next.fingerprint, regranted: live.length };
    });
    await d.audit.record({
      actor,
      action: 'guard.key.rotate',
      target: 'guard-key:grant-signing',
      details: { ...r, reason },
    });
    anyState = true;
    const synced = await docs.everything();
    d.logger.info({ ...r, devices: synced.changed }, 'guard grant-signing key replaced');
    return { ...(await publicKey()), regranted: r.regranted, devices: synced.changed };
  }

  async function publicKey(): Promise<GuardKeyInfo> {
    const [s, history] = await Promise.all([signer(), d.keys.endorsements(50)]);
    return {
      publicKeyPem: s.publicPem,
      fingerprint: s.fingerprint,
      rotations: history.map((e) => ({
        fingerprint: publicKeyFingerprint(e.key),
        previous: e.previous,
        at: new Date(e.issuedAt).toISOString(),
        by: e.rotatedBy,
        reason: e.reason,
      })),
    };
  }

  async function status(deviceId: string): Promise<DeviceGuardStatus> {
    const dev = await mustDevice(deviceId);
    const [resolved, doc, applied, grants] = await Promise.all([
      docs.resolve(dev.id),
      d.store.document(deviceId),
      d.deviceEvents.lastEvent(deviceId, 'guard.policy_applied'),
      d.store.grants({ deviceId, liveAtIso: nowIso(), limit: MAX_GRANTS_PER_DEVICE }, nowIso()),
    ]);
    const appliedVersion = typeof applied?.data.documentVersion === 'number' ? applied.data.documentVersion : null;
    return {
      deviceId,
      source: resolved.source,
      ...(resolved.group ? { group: resolved.group } : {}),
      policy: policyDoc(resolved),
      documentVersion: doc?.version ?? null,
      appliedVersion,
      appliedAt: applied?.ts ?? null,
      grants,
    };
  }

  async function history(scope: GuardPolicyScope, target: string, limit = 50): Promise<GuardPolicyRecord[]> {
    await checkTarget(scope, target);
    return d.store.policyHistory(scope, target, limit);
  }

  async function events(q: GuardEventQuery): Promise<DeviceEventRecord[]> {
    if (q.type && !/^guard\.[a-z0-9_.-]{1,58}$/.test(q.type))
      throw new ValidationError('type must be a guard event type such as guard.blocked', { path: '/type' });
    if (q.sinceIso && Number.isNaN(Date.parse(q.sinceIso)))
      throw new ValidationError('since must be an ISO-8601 time', { path: '/since' });
    if (q.untilIso && Number.isNaN(Date.parse(q.untilIso)))
      throw new ValidationError('until must be an ISO-8601 time', { path: '/until' });
    const norm = (s?: string) => (s ? new Date(s).toISOString() : undefined);
    const { type, ...rest } = q;
    return d.deviceEvents.events({
      ...rest,
      types: [type ?? 'guard.*'],
      sinceIso: norm(q.sinceIso),
      untilIso: norm(q.untilIso),
    });
  }

  async function blockedPerHour(deviceId: string, hours: number): Promise<GuardBlockedPerHour> {
    await mustDevice(deviceId);
    const now = d.clock.now().getTime();
    const from = new Date(Math.floor(now / 3_600_000) * 3_600_000 - (hours - 1) * 3_600_000);
    const rows = await d.deviceEvents.eventsPerHour(deviceId, 'guard.blocked', from.toISOString());
    return { from: from.toISOString(), items: rows.map((r) => ({ hour: `${r.hour}:00:00.000Z`, blocked: r.n })) };
  }

  return {
    status,
    blockedPerHour,
    history,
    async policies(caller, q) {
      const limit = q.limit ?? 500;
      const all = await d.store.currentPolicies({
        scope: q.scope,
        limit: caller.unrestricted ? limit : MAX_SCOPED_POLICIES,
      });
      if (caller.unrestricted) return all;
      // A scoped reader sees the policies of its groups and of its devices only.
      const devices = new Set(await caller.within(all.filter((p) => p.scope === 'device').map((p) => p.target)));
      return all
        .filter((p) => (p.scope === 'group' ? groupVisible(caller, p.target) : devices.has(p.target)))
        .slice(0, limit);
    },
    setPolicy,
    issueGrant,
    revokeGrant,
    events,
    grants: (q) =>
      d.store.grants(
        {
          deviceId: q.deviceId,
          deviceIn: q.deviceIn,
          liveAtIso: q.active ? nowIso() : undefined,
          limit: q.limit ?? 100,
        },
        nowIso(),
      ),
    publicKey,
    rotateKey,
    signForDevice: (bytes) =>
      withKey(async () => {
        const s = await signer();
        const key: GuardSigningKey = { signingKey: s.publicPem, keyChain: s.keyChain };
        return { ...key, signature: s.signBytes(bytes(key)) };
      }),
    async onReady(deviceId) {
      anyState ??= await d.store.hasAnyPolicyOrGrant();
      if (anyState) await sync(deviceId, true);
    },
    async membershipChanged(change) {
      anyState ??= await d.store.hasAnyPolicyOrGrant();
      if (anyState) await docs.membershipChanged(change);
    },
  };
}
