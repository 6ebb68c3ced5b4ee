import type { ArtifactRecord, RolloutOptions, SignedRoot, UpdateJobMessage } from '@outpost/protocol';
import type { Clock, Timer } from '../../../platform/clock.js';
import type { Logger } from '../../../platform/logger.js';
import type { DeviceBus } from '../../../platform/device-bus.js';
import type { AuditLog } from '../../audit/index.js';
import type { JobRow, RolloutRow, RolloutsStore } from './rollouts.store.js';

/** What the rollout engine's parts share: stores, ports and small caches of immutable rows. */
export interface RolloutContext {
  store: RolloutsStore;
  bus: DeviceBus;
  isReady(deviceId: string): boolean;
  clock: Clock;
  logger: Logger;
  audit: AuditLog;
  artifact(id: string): Promise<ArtifactRecord>;
  rootChain(): Promise<SignedRoot[]>;
  httpUrl(): string;
  /** Cached: a rollout's options never change after it is created. */
  options(r: RolloutRow): RolloutOptions;
  nowIso(): string;
}

// A job message whose publish has not settled by then goes on without waiting.
const PUBLISH_WAIT_MS = 5000;

export const SYSTEM = { type: 'system' as const, id: 'rollouts' };

export function optionsCache() {
  const cache = new Map<string, RolloutOptions>();
  return (r: RolloutRow): RolloutOptions => {
    let o = cache.get(r.id);
    if (!o) {
      o = JSON.parse(r.options_json) as RolloutOptions;
      if (cache.size > 1000) cache.clear();
      cache.set(r.id, o);
    }
    return o;
  };
}

export async function installMessage(
  c: RolloutContext,
  r: RolloutRow,
  job: Pick<JobRow, 'id' | 'attempt'>,
): Promise<UpdateJobMessage> {
  return (await installMessages(c, r))(job);
}

/**
 * The install messages of one rollout, for many jobs: the artifact, its manifest and the trust roots
 * are read once, not once per job.
 */
export async function installMessages(
  c: RolloutContext,
  r: RolloutRow,
): Promise<(job: Pick<JobRow, 'id' | 'attempt'>) => UpdateJobMessage> {
  const a = await c.artifact(r.artifact_id);
  if (!a.manifest) throw new Error(`artifact ${a.id} has no manifest`);
  const common = {
    rolloutId: r.id,
    manifest: a.manifest,
    roots: await c.rootChain(),
    url: `${c.httpUrl()}/api/v1/artifacts/${a.id}/download`,
    healthDeadlineS: c.options(r).healthDeadlineS,
  };
  return (job) => ({ v: 1, action: 'install', jobId: job.id, attempt: job.attempt, ...common });
}

/**
 * Sends a job message without waiting for it (a dispatch pass sends many at once); a failure is
 * logged, and the job is re-sent when the device comes back.
 */
export function send(c: RolloutContext, deviceId: string, msg: UpdateJobMessage): void {
  c.bus
    .publish(deviceId, 'update/job', msg, { qos: 1 })
    .catch((err: unknown) => c.logger.warn({ err, deviceId }, 'update job publish failed'));
}

/**
 * Publishes a job message; never rejects and never waits long: a device whose link stalls must
 * not hold up the engine (the job is re-sent when the device comes back, and the agent knows it by id).
 */
export async function publish(c: RolloutContext, deviceId: string, msg: UpdateJobMessage): Promise<void> {
  const sent = c.bus
    .publish(deviceId, 'update/job', msg, { qos: 1 })
    .catch((err: unknown) => c.logger.warn({ err, deviceId }, 'update job publish failed'));
  let timer: Timer | undefined;
  await Promise.race([sent, new Promise<void>((resolve) => (timer = c.clock.after(PUBLISH_WAIT_MS, resolve)))]);
  timer?.cancel();
}
