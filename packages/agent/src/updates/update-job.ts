import { join } from 'node:path';
import type { UpdateStatusMessage } from '@outpost/protocol';
import type { FeatureContext } from '../core/feature.js';
import { download, DownloadError } from './downloader.js';
import type { DownloadSink } from './download-sink.js';
import type { AgentSelfUpdate, Installer } from './installer.port.js';
import type { JobRecord, UpdateState } from './update-state.js';

export interface JobRunnerDeps {
  dir: string;
  state: UpdateState;
  installer: Installer;
  /** The agent's own releases (artifact kind `agent`); absent where the agent cannot replace itself. */
  self?: AgentSelfUpdate;
  tls: { keyPem: string; certPem: string; caPem: string };
  sink(path: string): DownloadSink;
  reboot(): Promise<void>;
  healthCheck(): Promise<boolean>;
  ctx(): FeatureContext | null;
  maxBytesPerSec?: number;
  downloadTries: number;
  downloadBackoffMs: number;
}

const TERMINAL = new Set(['succeeded', 'failed', 'rolled_back', 'skipped', 'canceled']);
export const isTerminal = (s: string) => TERMINAL.has(s);

export function statusOf(job: JobRecord, now: number): UpdateStatusMessage {
  return {
    v: 1,
    jobId: job.jobId,
    attempt: job.attempt,
    // Rolling back is internal: the hub hears the outcome after the reboot.
    state: job.state === 'rolling_back' ? 'verifying' : job.state,
    at: now,
    total: job.manifest.signed.length,
    ...(job.bytes !== undefined ? { bytes: job.bytes } : {}),
    ...(job.resumedFrom ? { resumedFrom: job.resumedFrom } : {}),
    ...(job.reason ? { reason: job.reason } : {}),
    ...(job.message ? { message: job.message.slice(0, 500) } : {}),
    ...(job.transient ? { transient: true } : {}),
    ...(job.firmware ? { firmware: job.firmware } : {}),
  };
}

/** Downloads, verifies the bytes, installs; for firmware arms the trial and reboots. Persists every step. */
export function createJobRunner(d: JobRunnerDeps) {
  let abort: AbortController | null = null;
  let running: Promise<void> | null = null;
  // The agent is stopping (reboot, power off): leave the job where it is, to resume at the next start.
  let stopped = false;

  function send(job: JobRecord): Promise<void> {
    const ctx = d.ctx();
    if (!ctx?.online()) return Promise.resolve();
    return ctx.publish('update/status', statusOf(job, ctx.clock.now()), 1).catch(() => undefined);
  }

  async function report(job: JobRecord, patch: Partial<JobRecord>): Promise<JobRecord> {
    // The hub may have re-sent the job with a higher attempt while this step ran: report under that
    // one, or the hub (which takes the current attempt only) ignores the rest of the job.
    const stored = d.state.job();
    const resent = stored?.jobId === job.jobId && stored.attempt > job.attempt;
    const next: JobRecord = { ...job, ...(resent ? { attempt: stored.attempt, url: stored.url } : {}), ...patch };
    await d.state.setJob(next);
    const ctx = d.ctx();
    if (ctx && isTerminal(next.state) && !next.transient) {
      void ctx.emit(
        `update.${next.state}`,
        next.state === 'succeeded' || next.state === 'skipped' ? 'info' : 'warning',
        {
          jobId: next.jobId,
          artifact: `${next.manifest.signed.name} ${next.manifest.signed.version}`,
          ...(next.reason ? { reason: next.reason } : {}),
        },
      );
    }
    await Promise.race([send(next), new Promise((r) => setTimeout(r, 2000))]);
    return next;
  }

  async function pipeline(start: JobRecord): Promise<void> {
    let job = start;
    const m = job.manifest.signed;
    const sink = d.sink(join(d.dir, 'staging', job.jobId));
    abort = new AbortController();
    try {
      const have = await sink.prepare();
      if (job.state !== 'downloading' && have < m.length) job = { ...job, state: 'downloading' };
      if (job.state === 'downloading') {
        job = await report(job, {
          bytes: have,
          reason: undefined,
          message: undefined,
          transient: undefined,
          resumedFrom: undefined,
        });
        await download({
          url: job.url,
          tls: d.tls,
          sink,
          total: m.length,
          signal: abort.signal,
          tries: d.downloadTries,
          backoffMs: d.downloadBackoffMs,
          maxBytesPerSec: d.maxBytesPerSec,
          onProgress: (bytes, resumedFrom) => {
            job = { ...job, bytes, ...(resumedFrom ? { resumedFrom } : {}) };
            void (resumedFrom ? d.state.setJob(job) : Promise.resolve()).then(() => send(job));
          },
        });
      }
      // Hash and length are checked before anything is written (a tampered or truncated artifact).
      const got = await sink.finish();
      if (got.length !== m.length || got.sha256 !== m.sha256) {
        await sink.discard();
        const reason = got.length !== m.length ? 'length_mismatch' : 'hash_mismatch';
        const message =
          reason === 'length_mismatch'
            ? `got ${got.length} bytes, the manifest says ${m.length}`
            : `SHA-256 ${got.sha256.slice(0, 16)}… is not the signed ${m.sha256.slice(0, 16)}…`;
        await report(job, { state: 'failed', reason, message });
        return;
      }
      if (job.state === 'downloading') job = await report(job, { state: 'downloaded', bytes: got.length });
      job = await report(job, { state: 'installing' });
      try {
        const image = { path: sink.path, open: sink.open, length: got.length, sha256: got.sha256 };
        if (m.kind === 'agent') await d.self!.install(image, m);
        else await d.installer.install(image, m, job.jobId);
      } catch (err) {
        await sink.discard();
        await report(job, { state: 'failed', reason: 'install_failed', message: (err as Error).message });
        return;
      }
      await sink.discard();
      if (m.kind === 'agent') {
        // Recorded before the switch: whichever version starts next knows this job is in a restart.
        await report(job, { state: 'rebooting' });
        await d.self!.arm(job.jobId, m.version, job.healthDeadlineS);
        await d.self!.restart();
        return;
      }
      if (m.kind === 'firmware') {
        await d.installer.armTrial(job.jobId);
        await report(job, { state: 'rebooting' });
        await d.reboot();
        return;
      }
      job = await report(job, { state: 'verifying' });
      if (!(await d.healthCheck())) {
        await report(job, {
          state: 'failed',
          reason: 'health_check_failed',
          message: 'the health check failed after the install',
        });
        return;
      }
      await d.installer.commit(m);
      await report(job, { state: 'succeeded', firmware: d.installer.installedVersion(m) ?? m.version });
    } catch (err) {
      if (stopped) return;
      if (abort?.signal.aborted) {
        await sink.discard();
        await report(job, { state: 'canceled', reason: 'canceled', message: 'canceled by the hub' });
        return;
      }
      const transient = err instanceof DownloadError ? err.transient : false;
      await report(job, { state: 'failed', reason: 'download_failed', message: (err as Error).message, transient });
    } finally {
      abort = null;
    }
  }

  return {
    send,
    report,
    busy: () => running !== null,
    run(job: JobRecord) {
      if (running) return running;
      stopped = false;
      running = pipeline(job).finally(() => (running = null));
      return running;
    },
    /** Stops a download in progress; the pipeline reports `canceled`. False once installing. */
    cancel(): boolean {
      if (!abort) return false;
      abort.abort();
      return true;
    },
    stop() {
      stopped = true;
      abort?.abort();
    },
  };
}
