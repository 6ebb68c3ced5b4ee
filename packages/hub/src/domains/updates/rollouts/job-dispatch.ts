import { compareVersions } from '@outpost/protocol';
import { inMaintenanceWindow } from './rollout-plan.js';
import { installMessage, installMessages, publish, send, type RolloutContext } from './rollout-context.js';
import type { JobRow, RolloutRow } from './rollouts.store.js';

type Facts =
  | { model: string | null; firmware: string | null; agentVersion?: string | null; updateRoot?: number | null }
  | undefined;
type ArtifactFacts = { models: string[]; kind: string; version: string; minVersion?: string | null };
/** The root versions a job carries (oldest and newest), or null when the hub holds no root. */
export type SentRoots = { oldest: number; newest: number } | null;
export type SkipReason = {
  reason:
    | 'incompatible_model'
    | 'already_on_version'
    | 'newer_version'
    | 'below_min_version'
    | 'no_trust_root'
    | 'trust_root_unreachable'
    | 'trust_root_unknown';
  detail: string;
};

export function sentRoots(chain: Array<{ signed: { version: number } }>): SentRoots {
  return chain.length ? { oldest: chain[0].signed.version, newest: chain[chain.length - 1].signed.version } : null;
}

/** Whether the device can verify the release with the roots a job carries; the reason and the fix when not. */
export function trustPreflight(f: Facts, roots: SentRoots | undefined): SkipReason | null {
  if (roots === undefined) return null;
  if (!roots)
    return {
      reason: 'no_trust_root',
      detail:
        'the hub holds no update trust root, so no device can verify a release: make one offline ' +
        '(outpost artifact root) and set it (outpost artifacts trust set root.json)',
    };
  const held = f?.updateRoot;
  // Not reported (an older agent) or none yet: a device without a root takes the one the job carries.
  if (held === null || held === undefined || held === 0) return null;
  if (held > roots.newest)
    return {
      reason: 'trust_root_unknown',
      detail: `holds update trust root v${held}, newer than the hub's v${roots.newest}: set that root on the hub (outpost artifacts trust set)`,
    };
  if (held < roots.oldest - 1)
    return {
      reason: 'trust_root_unreachable',
      detail:
        `holds update trust root v${held}; jobs carry roots from v${roots.oldest} only, so it cannot follow the rotations: ` +
        're-enroll the device (outpost enrollment create, then outpost agent enroll on it) to give it the current root',
    };
  return null;
}

/**
 * Why a device is skipped before anything is sent, `wait` until it said hello, or null when it
 * should get the job. With `roots`, a device that could not verify the release is skipped too.
 */
export function preflight(a: ArtifactFacts, f: Facts, roots?: SentRoots): SkipReason | 'wait' | null {
  // A device that never said hello has no known model yet: it waits until it does.
  if (!f?.model) return 'wait';
  if (!a.models.includes(f.model))
    return { reason: 'incompatible_model', detail: `model ${f.model} is not among ${a.models.join(', ')}` };
  const trust = trustPreflight(f, roots);
  if (trust) return trust;
  const running = runningVersion(a.kind, f);
  if (!running) return null;
  const order = compareVersions(running, a.version);
  if (order === 0) return { reason: 'already_on_version', detail: `already runs ${a.version}` };
  // Installing an older version is a rollback, which an aborted rollout does (rollbackOnAbort).
  if (order > 0)
    return {
      reason: 'newer_version',
      detail: `runs ${running}, newer than ${a.version}: a downgrade is not a rollout`,
    };
  if (a.minVersion && compareVersions(running, a.minVersion) < 0) {
    return { reason: 'below_min_version', detail: `runs ${running}, needs at least ${a.minVersion}` };
  }
  return null;
}

/** The version an artifact of this kind replaces: the firmware, or the agent itself; none for apps and files. */
export function runningVersion(kind: string, f: Facts): string | null {
  if (kind === 'firmware') return f?.firmware ?? null;
  if (kind === 'agent') return f?.agentVersion ?? null;
  return null;
}

/** How many more devices this rollout may be sent now: in-flight limit, rate limit, maintenance window. */
async function budget(c: RolloutContext, r: RolloutRow): Promise<number> {
  const o = c.options(r);
  const now = c.clock.now();
  if (!inMaintenanceWindow(o.maintenanceWindow, now)) return 0;
  let n = o.maxInFlight - (await c.store.inFlight(r.id));
  if (o.ratePerMinute)
    n = Math.min(
      n,
      o.ratePerMinute - (await c.store.dispatchedSince(r.id, new Date(now.getTime() - 60_000).toISOString())),
    );
  return n;
}

/** Sends jobs of the started waves to devices that are connected now, within the budget. */
export async function dispatchRollout(c: RolloutContext, r: RolloutRow, deviceId?: string): Promise<number> {
  let room = await budget(c, r);
  if (room <= 0) return 0;
  // Offline devices stay queued and are skipped here; look past them, but boundedly.
  const cands = await c.store.candidates(
    r.id,
    r.current_wave,
    c.nowIso(),
    deviceId ? 1 : Math.max(room * 4, 1000),
    deviceId,
  );
  const ready = cands.filter((j) => c.isReady(j.device_id));
  const facts = await c.store.deviceFacts(ready.slice(0, room * 2).map((j) => j.device_id));
  const at = c.nowIso();
  const artifact = await c.artifact(r.artifact_id);
  const roots = sentRoots(await c.rootChain());
  const deadlineAt = new Date(Date.parse(at) + c.options(r).deviceTimeoutS * 1000).toISOString();
  // Decide every candidate first, then record the skips and the claims in one transaction each.
  const skips: Parameters<RolloutContext['store']['transitionMany']>[0] = [];
  const claims: Parameters<RolloutContext['store']['claimDispatches']>[0] = [];
  const claimed: JobRow[] = [];
  for (const j of ready) {
    if (room <= 0) break;
    const f = facts.get(j.device_id);
    const skip = preflight(artifact, f, roots);
    if (skip === 'wait') continue;
    if (skip) {
      const e = { state: 'skipped', reason: skip.reason, detail: skip.detail };
      skips.push({ job: j, patch: { state: 'skipped', reason: skip.reason, last_error: skip.detail }, e });
      continue;
    }
    // The version the job starts from (a revert goes back to it): the agent's for an agent release.
    const from = artifact.kind === 'agent' ? (f?.agentVersion ?? null) : (f?.firmware ?? null);
    const attempt = j.attempt + 1;
    claims.push({
      job: j,
      deadlineAt,
      sent: { state: 'sent', detail: `attempt ${attempt}${from ? ` from ${from}` : ''}` },
      fromVersion: from,
    });
    claimed.push(j);
    room--;
  }
  await c.store.transitionMany(skips, at);
  const won = await c.store.claimDispatches(claims, at);
  // The claims are recorded; the messages go out without holding up the next step.
  const message = await installMessages(c, r);
  let sent = 0;
  for (let i = 0; i < claimed.length; i++) {
    if (!won[i]) continue;
    const j = claimed[i];
    send(c, j.device_id, message({ id: j.id, attempt: j.attempt + 1 }));
    sent++;
  }
  return sent;
}

/** A device came back: re-send what it was sent (the agent knows jobs by id) and give it queued work. */
export async function onDeviceReady(c: RolloutContext, deviceId: string): Promise<void> {
  for (const job of await c.store.openForDevice(deviceId)) {
    const r = await c.store.rollout(job.rollout_id);
    if (!r) continue;
    if (r.state === 'running' || r.state === 'paused') await publish(c, deviceId, await installMessage(c, r, job));
    else await publish(c, deviceId, { v: 1, action: 'cancel', jobId: job.id });
  }
  for (const j of await c.store.revertsSentTo(deviceId))
    if (j.from_version) await publish(c, deviceId, { v: 1, action: 'revert', jobId: j.id, toVersion: j.from_version });
  const rollouts = new Set((await c.store.queuedForDevice(deviceId)).map((j) => j.rollout_id));
  for (const id of rollouts) {
    const r = await c.store.rollout(id);
    if (r?.state === 'running') await dispatchRollout(c, r, deviceId);
  }
}

/** Sends devices that succeeded back to their previous slot after an abort (rollbackOnAbort). */
export async function revertStep(c: RolloutContext, r: RolloutRow): Promise<boolean> {
  const at = c.nowIso();
  for (const j of await c.store.revertsFor(r.id, ['pending', 'sent'], 500)) {
    if (!c.isReady(j.device_id) || !j.from_version) {
      if (!j.from_version) await c.store.setRevert(j.id, j.revert_state, 'failed', at);
      continue;
    }
    if (j.revert_state === 'pending' && !(await c.store.setRevert(j.id, 'pending', 'sent', at))) continue;
    if (j.revert_state === 'pending')
      await publish(c, j.device_id, { v: 1, action: 'revert', jobId: j.id, toVersion: j.from_version });
  }
  return (await c.store.revertsFor(r.id, ['pending', 'sent'], 1)).length === 0;
}
