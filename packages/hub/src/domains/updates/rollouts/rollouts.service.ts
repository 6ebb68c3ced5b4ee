import {
  compileValidator,
  UpdateStatusMessage,
  type ArtifactRecord,
  type JobState,
  type RolloutInput,
  type RolloutProgress,
  type RolloutRecord,
  type SignedRoot,
} from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import type { Logger } from '../../../platform/logger.js';
import { claimReach, hiddenOutsideScope, reachInside, type ScopeGroups } from '../../../platform/scope-reach.js';
import type { DeviceBus } from '../../../platform/device-bus.js';
import type { AuditLog } from '../../audit/index.js';
import type { Actor } from '../../audit/index.js';
import type { DeviceDirectory } from '../../devices/index.js';
import type { DeviceSelector } from '../../devices/index.js';
import { onDeviceReady } from './job-dispatch.js';
import { onJobStatuses } from './job-reports.js';
import { createGroupCommit } from '../../../platform/group-commit.js';
import { optionsCache, type RolloutContext } from './rollout-context.js';
import { createRolloutEngine, targetFilter, type RolloutTargetReach } from './rollout-engine.js';
import { previewRollout } from './rollout-preview.js';
import { maintenanceWindowState, resolveOptions } from './rollout-plan.js';
import { sentRoots } from './job-dispatch.js';
import { toJobRecord, type RolloutRow, type RolloutsStore } from './rollouts.store.js';
import type { RolloutPreview, RolloutJobRecord, JobTransition } from '@outpost/protocol';

const STOPPED = ['aborted', 'canceled'];
const OPEN_STATES = ['draft', 'scheduled', 'running', 'paused'];

const validateStatus = compileValidator(UpdateStatusMessage);

/** Reports applied in one transaction at most. */
const REPORT_BATCH = 2000;

/** How many recent rollouts a scoped list looks through for those inside the scope. */
const MAX_SCOPED_SCAN = 5000;

const storedTarget = (r: RolloutRow) => JSON.parse(r.target_json) as RolloutTargetReach;

export interface RolloutsDeps {
  store: RolloutsStore;
  devices: DeviceDirectory;
  selector: DeviceSelector;
  bus: DeviceBus;
  isReady(deviceId: string): boolean;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  artifact(id: string): Promise<ArtifactRecord>;
  rootChain(): Promise<SignedRoot[]>;
  httpUrl(): string;
}

export interface RolloutsService {
  create: (actor: Actor, given: RolloutInput, scope: ScopeGroups) => Promise<RolloutRecord>;
  preview: (given: RolloutInput, scope: ScopeGroups) => Promise<RolloutPreview>;
  get: (id: string) => Promise<RolloutRecord>;
  /** Refuses (404, as for no such rollout) a rollout whose target reaches outside the caller's scope. */
  checkVisible(scope: ScopeGroups, id: string): Promise<void>;
  /** The moving parts only (live updates); null when the rollout does not exist. */
  progress(id: string): Promise<RolloutProgress | null>;
  list: (scope: ScopeGroups, limit?: number) => Promise<RolloutRecord[]>;
  start: (actor: Actor, id: string) => Promise<RolloutRecord>;
  pause: (actor: Actor, id: string, reason?: string) => Promise<RolloutRecord>;
  /** Resumes; a wave that ended below its threshold is passed by this decision. */
  resume: (actor: Actor, id: string) => Promise<RolloutRecord>;
  cancel: (actor: Actor, id: string) => Promise<RolloutRecord>;
  abort: (actor: Actor, id: string, reason: string) => Promise<RolloutRecord>;
  approve: (actor: Actor, id: string) => Promise<RolloutRecord>;
  jobs(
    id: string,
    q: {
      state?: string;
      wave?: number;
      deviceId?: string;
      limit?: number;
      offset?: number;
    },
  ): Promise<RolloutJobRecord[]>;
  job(jobId: string): Promise<{
    history: JobTransition[];
    id: string;
    rolloutId: string;
    deviceId: string;
    wave: number;
    state: JobState;
    reason: string | null;
    lastError: string | null;
    attempt: number;
    bytes: number;
    total: number;
    fromVersion: string | null;
    revertState: string;
    dispatchedAt: string | null;
    updatedAt: string;
  }>;
  tick: () => Promise<void>;
  /**
   * The hub is stopping (the database is still open): no new step starts, the step under way ends,
   * and the reports already taken are stored before the database closes.
   */
  stop: () => Promise<void>;
  onReady: (deviceId: string) => Promise<void>;
  /** `update/status` from a device: validated here, applied by the engine. */
  onStatus(deviceId: string, payload: Buffer): Promise<void>;
  mayDownload: (deviceId: string, artifactId: string) => Promise<boolean>;
  artifactInUse: (artifactId: string) => Promise<boolean>;
}

export function createRolloutsService(d: RolloutsDeps): RolloutsService {
  // Every dispatch needs the artifact (manifest, models); it hardly changes, so keep it briefly.
  const artifacts = new Map<string, { at: number; a: Promise<ArtifactRecord> }>();
  const artifact = (id: string) => {
    const hit = artifacts.get(id);
    const now = d.clock.now().getTime();
    if (hit && now - hit.at < 2000) return hit.a;
    const a = d.artifact(id);
    artifacts.set(id, { at: now, a });
    a.catch(() => artifacts.delete(id));
    return a;
  };
  const ctx: RolloutContext = {
    ...d,
    artifact,
    options: optionsCache(),
    nowIso: () => d.clock.now().toISOString(),
  };
  const engine = createRolloutEngine(ctx, { devices: d.devices, selector: d.selector });
  // Devices' job reports, applied in batches as they arrive together (a fleet at one step shares a
  // batch: the same table pages are written once per commit, not once per 500 reports).
  const statuses = createGroupCommit(
    (reports: Parameters<typeof onJobStatuses>[1]) => onJobStatuses(ctx, reports),
    REPORT_BATCH,
  );
  // The engine's step under way, so a stopping hub lets it end before the database closes.
  let stepping: Promise<void> | null = null;
  let stopping = false;
  function tick(): Promise<void> {
    if (stopping) return Promise.resolve();
    stepping ??= engine.tick().finally(() => (stepping = null));
    return stepping;
  }

  async function row(id: string): Promise<RolloutRow> {
    const r = await d.store.rollout(id);
    if (!r) throw new NotFound('rollout', id);
    return r;
  }

  /** What moves while a rollout runs: state, counts per job state, each wave's state and counts. */
  async function progressOf(r: RolloutRow): Promise<RolloutProgress> {
    const [waves, counts] = await Promise.all([d.store.waves(r.id), d.store.countsByWave(r.id)]);
    const all: Partial<Record<JobState, number>> = {};
    for (const x of counts) all[x.state as JobState] = (all[x.state as JobState] ?? 0) + x.n;
    return {
      id: r.id,
      state: r.state as RolloutRecord['state'],
      currentWave: r.current_wave,
      reason: r.reason,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      rollbackState: r.rollback_state as RolloutRecord['rollbackState'],
      counts: all,
      total: waves.reduce((s, w) => s + w.size, 0),
      waves: waves.map((w) => ({
        idx: w.idx,
        size: w.size,
        // A wave the rollout stopped before it passed says so, not "running" or "pending".
        state: (STOPPED.includes(r.state) && w.state !== 'passed'
          ? r.state
          : w.state) as RolloutRecord['waves'][number]['state'],
        startedAt: w.started_at,
        passedAt: w.passed_at,
        approvedBy: w.approved_by,
        counts: Object.fromEntries(counts.filter((x) => x.wave === w.idx).map((x) => [x.state, x.n])),
      })),
      window: OPEN_STATES.includes(r.state)
        ? maintenanceWindowState(ctx.options(r).maintenanceWindow, d.clock.now())
        : null,
    };
  }

  async function view(r: RolloutRow): Promise<RolloutRecord> {
    const [moving, a] = await Promise.all([progressOf(r), d.artifact(r.artifact_id).catch(() => null)]);
    return {
      ...moving,
      name: r.name,
      artifactId: r.artifact_id,
      ...(a ? { artifact: { name: a.name, version: a.version, kind: a.kind } } : {}),
      target: publicTarget(r),
      options: ctx.options(r),
      createdBy: r.created_by,
      createdAt: r.created_at,
      startAt: r.start_at,
      deadline: r.deadline,
    };
  }

  /** The target as callers see it: the scope it was made in stays inside the hub. */
  function publicTarget(r: RolloutRow): RolloutRecord['target'] {
    const { within: _w, ...target } = storedTarget(r);
    return target;
  }

  /** The checks both create and preview make: a signed artifact with content, one valid target. */
  async function checkedInput(input: RolloutInput) {
    const a = await d.artifact(input.artifactId).catch(() => null);
    if (!a) throw new ValidationError(`artifact "${input.artifactId}" does not exist`, { path: '/artifactId' });
    if (!a.sha256)
      throw new ValidationError(`artifact ${a.name} ${a.version} has no content yet`, { path: '/artifactId' });
    if (!a.manifest)
      throw new ValidationError(`artifact ${a.name} ${a.version} is not signed: attach a signed manifest first`, {
        path: '/artifactId',
      });
    if (!input.target.group === !input.target.filter)
      throw new ValidationError('target: give a group or a filter', { path: '/target' });
    await d.selector.validate(targetFilter(input.target));
    const { name: _n, artifactId: _a, target: _t, startAt: _s, deadline: _d, start: _st, ...rest } = input;
    return { a, options: resolveOptions(rest) };
  }

  async function create(actor: Actor, given: RolloutInput, scope: ScopeGroups): Promise<RolloutRecord> {
    const input = { ...given, target: claimReach(scope, given.target, 'the rollout') };
    const { a, options } = await checkedInput(input);
    const { startAt, deadline, start } = input;
    const now = d.clock.now();
    if (startAt && Number.isNaN(Date.parse(startAt)))
      throw new ValidationError('startAt must be an ISO-8601 time', { path: '/startAt' });
    if (deadline && !(Date.parse(deadline) > Date.parse(startAt ?? now.toISOString())))
      throw new ValidationError('deadline must be after the start', { path: '/deadline' });
    const id = newId('rol', 10);
    const at = now.toISOString();
    const scheduled = start !== false;
    await d.store.insertRollout({
      id,
      name: input.name,
      artifact_id: a.id,
      target_json: JSON.stringify(input.target),
      options_json: JSON.stringify(options),
      state: scheduled ? 'scheduled' : 'draft',
      current_wave: -1,
      reason: null,
      created_by: actor.id,
      created_at: at,
      start_at: scheduled ? new Date(startAt ?? at).toISOString() : (startAt ?? null),
      started_at: null,
      finished_at: null,
      deadline: deadline ? new Date(deadline).toISOString() : null,
      state_changed_at: at,
      rollback_state: 'none',
    });
    await d.audit.record({
      actor,
      action: 'rollout.create',
      target: `rollout:${id}`,
      details: { name: input.name, artifact: `${a.name} ${a.version}`, target: given.target, startAt: startAt ?? null },
    });
    const r = await row(id);
    if (scheduled && r.start_at! <= at) await engine.begin(r, ['scheduled']);
    return view(await row(id));
  }

  async function transition(
    actor: Actor,
    id: string,
    action: string,
    from: string[],
    to: (r: RolloutRow) => Promise<boolean>,
    details?: Record<string, unknown>,
  ) {
    const r = await row(id);
    if (!from.includes(r.state)) throw new Conflict(`rollout is ${r.state}: cannot ${action} it`, { state: r.state });
    if (!(await to(r))) throw new Conflict(`rollout changed meanwhile; try again`);
    await d.audit.record({ actor, action: `rollout.${action}`, target: `rollout:${id}`, details });
    return view(await row(id));
  }

  const at = () => d.clock.now().toISOString();
  return {
    create,
    preview: async (given: RolloutInput, scope: ScopeGroups) => {
      const input = { ...given, target: claimReach(scope, given.target, 'the rollout') };
      const { a, options } = await checkedInput(input);
      return previewRollout(
        { selector: d.selector, devices: d.devices, store: d.store, roots: sentRoots(await d.rootChain()) },
        a,
        input.target,
        options,
      );
    },
    get: async (id: string) => view(await row(id)),
    /** Refuses (404, as for no such rollout) a rollout whose target reaches outside the caller's scope. */
    async checkVisible(scope: ScopeGroups, id: string): Promise<void> {
      hiddenOutsideScope(scope, storedTarget(await row(id)), 'rollout', id, null);
    },
    /** The moving parts only (live updates); null when the rollout does not exist. */
    async progress(id: string): Promise<RolloutProgress | null> {
      const r = await d.store.rollout(id);
      return r ? progressOf(r) : null;
    },
    list: async (scope: ScopeGroups, limit = 100) =>
      Promise.all(
        (await d.store.list(scope.unrestricted ? limit : MAX_SCOPED_SCAN))
          .filter((r) => reachInside(scope, storedTarget(r)))
          .slice(0, limit)
          .map(view),
      ),
    start: (actor: Actor, id: string) =>
      transition(actor, id, 'start', ['draft'], async (r) => {
        if (r.start_at && r.start_at > at())
          return d.store.updateRollout(id, ['draft'], { state: 'scheduled', state_changed_at: at() });
        return d.store
          .updateRollout(id, ['draft'], { state: 'scheduled', start_at: at(), state_changed_at: at() })
          .then(async (ok) => ok && engine.begin({ ...r, state: 'scheduled' }, ['scheduled']));
      }),
    pause: (actor: Actor, id: string, reason?: string) =>
      transition(
        actor,
        id,
        'pause',
        ['running'],
        () =>
          d.store.updateRollout(id, ['running'], {
            state: 'paused',
            reason: reason ?? 'paused by an operator',
            state_changed_at: at(),
          }),
        { reason },
      ),
    /** Resumes; a wave that ended below its threshold is passed by this decision. */
    resume: (actor: Actor, id: string) =>
      transition(actor, id, 'resume', ['paused'], async (r) => {
        const ok = await d.store.updateRollout(id, ['paused'], {
          state: 'running',
          reason: null,
          state_changed_at: at(),
        });
        const w = (await d.store.waves(id))[r.current_wave];
        if (ok && w?.state === 'running' && r.reason?.startsWith('wave '))
          await engine.advance({ ...r, state: 'running' }, w.idx, actor.id);
        return ok;
      }),
    cancel: (actor: Actor, id: string) =>
      transition(actor, id, 'cancel', ['draft', 'scheduled', 'running', 'paused'], (r) =>
        engine.stop(r, 'canceled', `canceled by ${actor.id}`, [r.state]),
      ),
    abort: (actor: Actor, id: string, reason: string) =>
      transition(actor, id, 'abort', ['running', 'paused'], (r) => engine.stop(r, 'aborted', reason, [r.state]), {
        reason,
      }),
    approve: (actor: Actor, id: string) =>
      transition(actor, id, 'approve', ['running', 'paused'], async (r) => {
        const w = (await d.store.waves(id))[r.current_wave];
        if (w?.state !== 'awaiting_approval')
          throw new Conflict(`wave ${r.current_wave + 1} is ${w?.state ?? 'missing'}, not awaiting approval`);
        await engine.advance(r, w.idx, actor.id);
        return true;
      }),
    async jobs(id: string, q: { state?: string; wave?: number; deviceId?: string; limit?: number; offset?: number }) {
      await row(id);
      return (await d.store.jobs(id, { ...q, limit: q.limit ?? 100, offset: q.offset ?? 0 })).map(toJobRecord);
    },
    async job(jobId: string) {
      const j = await d.store.job(jobId);
      if (!j) throw new NotFound('job', jobId);
      return { ...toJobRecord(j), history: await d.store.history(jobId) };
    },
    tick,
    async stop() {
      stopping = true;
      await stepping?.catch(() => undefined);
      await statuses.flush();
    },
    onReady: (deviceId: string) => onDeviceReady(ctx, deviceId),
    /** `update/status` from a device: validated here, applied by the engine. */
    async onStatus(deviceId: string, payload: Buffer) {
      const m = validateStatus.parse(payload);
      if (!m.ok) {
        d.logger.warn({ deviceId, code: m.code, message: m.message }, 'bad update status');
        return;
      }
      await statuses.submit({ deviceId, m: m.value });
    },
    mayDownload: (deviceId: string, artifactId: string) => d.store.mayDownload(deviceId, artifactId),
    artifactInUse: (artifactId: string) => d.store.artifactInUse(artifactId),
  };
}
