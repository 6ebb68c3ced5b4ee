import {
  checkManifest,
  compareVersions,
  compileValidator,
  UpdateJobMessage,
  adoptRoots,
  UPDATE_ROOT_CAPABILITY,
  type SignedRoot,
} from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import { fileSink, type DownloadSink } from './download-sink.js';
import type { AgentSelfUpdate, BootOutcome, Installer } from './installer.port.js';
import { bootOf } from './agent-update-record.js';
import { nodeTrustCrypto } from '@outpost/protocol/node';
import { createJobRunner, isTerminal } from './update-job.js';
import { createUpdateState, type JobRecord } from './update-state.js';

const validateJob = compileValidator(UpdateJobMessage);
type InstallMsg = Extract<UpdateJobMessage, { action: 'install' }>;

export interface UpdatesFeatureOptions {
  /** Where the job, the trust state and staged downloads are kept. */
  dir: string;
  model(): string;
  installer: Installer;
  /** The agent's own releases (kind `agent`); without it agent releases are refused. */
  self?: AgentSelfUpdate;
  /** The trust root received at enrollment; later roots arrive with jobs and are checked against it. */
  trustRoot: SignedRoot | null;
  tls: { keyPem: string; certPem: string; caPem: string };
  /** Restarts the device (the simulator restarts the agent); the new slot boots on trial. */
  reboot(): Promise<void>;
  /** Post-install health check; the reconnect over mTLS itself is the first part of it. */
  healthCheck?(): Promise<boolean>;
  sink?(path: string): DownloadSink;
  /** Told the version that booted, before the agent says hello. */
  onBoot?(version: string): void;
  maxBytesPerSec?: number;
  /** fsync every state change (default); the simulator's thousand devices skip it. */
  durable?: boolean;
  downloadTries?: number;
  downloadBackoffMs?: number;
}

/**
 * Secure updates on the device (DESIGN.md, "Agent update (A/B)"): receives jobs on `update/job`,
 * verifies the manifest against the trust root before downloading, downloads with the device
 * certificate (resuming with Range), checks hash and length before writing, installs through the
 * installer port, reboots into a trial and commits only after the health check; else rolls back.
 */
export function createUpdatesFeature(o: UpdatesFeatureOptions): AgentFeature & { firmware(): string } {
  const state = createUpdateState(o.dir, o.trustRoot, o.durable ?? true);
  let ctx: FeatureContext | null = null;
  let boot: BootOutcome = { version: 'unknown', trial: false, fellBack: false };
  let deadline: { cancel(): void } | null = null;
  let verifying = false;
  // An agent release whose job this start resumes: this process is the new version on trial.
  let selfTrial = false;
  const healthCheck = o.healthCheck ?? (async () => true);
  const runner = createJobRunner({
    dir: o.dir,
    state,
    installer: o.installer,
    self: o.self,
    tls: o.tls,
    sink: o.sink ?? fileSink,
    reboot: o.reboot,
    healthCheck,
    ctx: () => ctx,
    maxBytesPerSec: o.maxBytesPerSec,
    downloadTries: o.downloadTries ?? 4,
    downloadBackoffMs: o.downloadBackoffMs ?? 1000,
  });

  const isAgent = (job: JobRecord) => job.manifest.signed.kind === 'agent';
  const onTrial = (job: JobRecord) => (isAgent(job) ? selfTrial : boot.trial);

  async function rollBack(job: JobRecord, reason: string, message: string) {
    deadline?.cancel();
    if (isAgent(job)) {
      await o.self!.rollBack(reason);
      await runner.report(job, { state: 'rolling_back', reason, message });
      return o.self!.restart();
    }
    await o.installer.rollback();
    await runner.report(job, { state: 'rolling_back', reason, message });
    await o.reboot();
  }

  /** After the trial boot: health check within the deadline, then commit, or roll back. */
  async function verify(job: JobRecord) {
    if (verifying) return;
    verifying = true;
    try {
      const ok = await healthCheck().catch(() => false);
      if (state.job()?.jobId !== job.jobId || state.job()?.state !== 'verifying') return;
      const what = isAgent(job) ? `agent ${o.self!.version}` : 'the new firmware';
      if (!ok) return await rollBack(job, 'health_check_failed', `${what} failed its health check`);
      deadline?.cancel();
      if (isAgent(job)) await o.self!.confirm();
      else await o.installer.commit(job.manifest.signed);
      // The one anti-rollback floor is the firmware's: an agent release must not raise it above firmware counters.
      const t = state.trust();
      if (!isAgent(job))
        await state.setTrust({ ...t, counterFloor: Math.max(t.counterFloor, job.manifest.signed.counter) });
      const firmware = isAgent(job) ? undefined : boot.version;
      await runner.report(job, { state: 'succeeded', firmware, reason: undefined, message: undefined });
    } finally {
      verifying = false;
    }
  }

  /** What a job left behind when the agent stopped (reboot, power loss) decides what this boot does. */
  async function resume(c: FeatureContext) {
    await state.load();
    const job = state.job();
    if (!job || isTerminal(job.state)) return;
    if (job.state === 'rolling_back')
      return void (await runner.report(job, { state: 'rolled_back', firmware: boot.version }));
    if ((job.state === 'rebooting' || job.state === 'verifying') && isAgent(job)) return resumeAgent(c, job);
    if (job.state === 'rebooting' || job.state === 'verifying') {
      if (!boot.trial)
        return void (await runner.report(job, {
          state: 'rolled_back',
          reason: 'boot_failed',
          message: 'the new slot did not boot; the previous one runs',
          firmware: boot.version,
        }));
      const j =
        job.state === 'rebooting' ? await runner.report(job, { state: 'verifying', firmware: boot.version }) : job;
      armDeadline(c, j, j.healthDeadlineS * 1000);
      if (c.online()) void verify(j);
      return;
    }
    void runner.run(job);
  }

  function armDeadline(c: FeatureContext, j: JobRecord, ms: number) {
    deadline = c.clock.setTimeout(
      () => {
        const cur = state.job();
        if (cur?.jobId === j.jobId && cur.state === 'verifying')
          void rollBack(cur, 'health_deadline', `no healthy reconnect within ${j.healthDeadlineS} s`);
      },
      Math.max(0, ms),
    );
  }

  /** An agent release's job after the restart: this is the new version on trial, or the one it fell back to. */
  async function resumeAgent(c: FeatureContext, job: JobRecord) {
    const b = o.self ? bootOf(o.self.record(), job.jobId, o.self.version) : null;
    if (!b?.trial)
      return void (await runner.report(job, {
        state: 'rolled_back',
        reason: b?.reason ?? 'restart_interrupted',
        message: b?.message ?? 'this agent cannot replace itself',
      }));
    selfTrial = true;
    const j = job.state === 'rebooting' ? await runner.report(job, { state: 'verifying' }) : job;
    if (!b.confirmed) armDeadline(c, j, b.deadline * 1000 - c.clock.now());
    if (c.online()) void verify(j);
  }

  /** Checks trust, model, version and counter before anything is downloaded (TUF §5). */
  async function accept(m: InstallMsg) {
    const base: JobRecord = {
      jobId: m.jobId,
      rolloutId: m.rolloutId,
      attempt: m.attempt,
      manifest: m.manifest,
      url: m.url,
      healthDeadlineS: m.healthDeadlineS,
      state: 'downloading',
      fromVersion: boot.version,
    };
    const refuse = (reason: string, message: string) => runner.report(base, { state: 'failed', reason, message });
    const t = state.trust();
    // The job came over this device's mutual-TLS link: a device without a root takes a self-consistent one from it.
    const walked = adoptRoots(t.root, m.roots, nodeTrustCrypto);
    if (!walked.ok) return refuse(walked.reason, walked.message);
    if (walked.rotated) await state.setTrust({ ...t, root: walked.root });
    const sig = m.manifest.signed;
    if (sig.kind === 'agent' && !o.self)
      return refuse(
        'self_update_unavailable',
        'this agent was not started by its installed launcher and cannot replace itself',
      );
    const current = (sig.kind === 'agent' ? o.self!.version : o.installer.installedVersion(sig)) ?? '0.0.0';
    const check = checkManifest(
      m.manifest,
      {
        root: walked.root,
        now: Date.now(),
        model: o.model(),
        currentVersion: current,
        counterFloor: sig.kind === 'agent' ? 0 : t.counterFloor,
      },
      nodeTrustCrypto,
    );
    if (!check.ok) return refuse(check.reason, check.message);
    if (compareVersions(sig.version, current) === 0)
      return runner.report(base, {
        state: 'skipped',
        reason: 'already_on_version',
        message: `already runs ${current}`,
        firmware: current,
      });
    void runner.run(await runner.report({ ...base, fromVersion: current }, {}));
  }

  /** The hub takes back a confirmed agent release (a rollout aborted with rollbackOnAbort). */
  async function revertAgent(jobId: string, toVersion: string) {
    const ok = await o.self!.revert(jobId, toVersion);
    if (!ok && o.self!.version !== toVersion) return;
    await ctx
      ?.publish('update/status', { v: 1, jobId, attempt: 1, state: 'reverted', at: Date.now() }, 1)
      .catch(() => undefined);
    if (ok) await o.self!.restart();
  }

  async function onJob(m: UpdateJobMessage) {
    const cur = state.job();
    if (m.action === 'revert' && o.self?.record()?.job === m.jobId) return revertAgent(m.jobId, m.toVersion);
    if (m.action === 'revert') {
      const ok = await o.installer.revert(m.toVersion);
      if (!ok && boot.version !== m.toVersion) return;
      await ctx
        ?.publish(
          'update/status',
          { v: 1, jobId: m.jobId, attempt: 1, state: 'reverted', at: Date.now(), firmware: m.toVersion },
          1,
        )
        .catch(() => undefined);
      if (ok) await o.reboot();
      return;
    }
    if (m.action === 'cancel') {
      if (cur?.jobId !== m.jobId || (isTerminal(cur.state) && !cur.transient)) return;
      if ((cur.state === 'downloading' || cur.state === 'downloaded') && runner.cancel()) return;
      if (cur.state === 'failed' || !runner.busy())
        await runner.report(cur, {
          state: 'canceled',
          reason: 'canceled',
          message: 'canceled by the hub',
          transient: undefined,
        });
      return;
    }
    const done = state.finished(m.jobId);
    // The same job again (a re-send after a reconnect or a hub restart): answer, never redo it.
    if (done)
      return void ctx
        ?.publish('update/status', { v: 1, ...done, attempt: m.attempt, at: Date.now() }, 1)
        .catch(() => undefined);
    if (cur && cur.jobId === m.jobId) {
      // The re-send names the replica that sent it: the one that sent the first may be gone.
      const again = { ...cur, attempt: m.attempt, url: m.url };
      if (cur.state === 'failed' && cur.transient)
        return void runner.run(
          await runner.report(again, {
            state: 'downloading',
            transient: undefined,
            reason: undefined,
            message: undefined,
          }),
        );
      await state.setJob(again);
      await runner.send(again);
      if (!runner.busy() && ['downloading', 'downloaded', 'installing'].includes(cur.state)) void runner.run(again);
      return;
    }
    if (cur && !isTerminal(cur.state)) {
      return void ctx
        ?.publish(
          'update/status',
          {
            v: 1,
            jobId: m.jobId,
            attempt: m.attempt,
            state: 'failed',
            at: Date.now(),
            reason: 'device_busy',
            message: `busy with job ${cur.jobId}`,
            transient: true,
          },
          1,
        )
        .catch(() => undefined);
    }
    await accept(m);
  }

  return {
    name: 'updates',
    subscriptions: ['update/job'],
    firmware: () => boot.version,
    // Says which update trust root this device holds (0: none yet, it takes one with its next job).
    capabilities: () => [`${UPDATE_ROOT_CAPABILITY}${state.trust().root?.version ?? 0}`],
    start(c) {
      ctx = c;
      selfTrial = false;
      // Synchronous, as a bootloader: the version that booted is known before hello goes out.
      boot = o.installer.boot();
      o.onBoot?.(boot.version);
      return resume(c).catch((err: unknown) => c.logger.warn('update resume failed', { error: String(err) }));
    },
    async onConnected(c) {
      ctx = c;
      const job = state.job();
      if (!job) return;
      // The `verifying` report made at boot may have gone out before the link was up: send the
      // current state first (the hub ignores a repeat), so the hub sees every step in order.
      if (job.state !== 'rolling_back') await runner.send(job);
      if (job.state === 'verifying' && onTrial(job)) return void verify(job);
    },
    async onMessage(_suffix, payload, c) {
      ctx = c;
      const m = validateJob.parse(payload);
      if (!m.ok)
        return void (await c.emit('update.job_rejected', 'warning', {
          code: m.code,
          message: m.message.slice(0, 200),
        }));
      await onJob(m.value);
    },
    stop() {
      deadline?.cancel();
      runner.stop();
    },
  };
}
