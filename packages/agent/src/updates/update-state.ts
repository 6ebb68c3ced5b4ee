import { join } from 'node:path';
import type { RootBody, SignedManifest, SignedRoot, UpdateStatusMessage } from '@outpost/protocol';
import { readJson, writeJsonAtomic } from './atomic-json.js';

export type AgentJobState = UpdateStatusMessage['state'] | 'rolling_back';

/** The one job the device works on, persisted at every step so a power loss resumes it. */
export interface JobRecord {
  jobId: string;
  rolloutId: string;
  attempt: number;
  manifest: SignedManifest;
  url: string;
  healthDeadlineS: number;
  state: AgentJobState;
  fromVersion: string;
  reason?: string;
  message?: string;
  transient?: boolean;
  bytes?: number;
  resumedFrom?: number;
  firmware?: string;
}

export interface TrustRecord {
  root: RootBody | null;
  /** Highest anti-rollback counter installed (TUF's rollback protection, §5.5.3 in spirit). */
  counterFloor: number;
}

interface UpdateFiles {
  job: JobRecord | null;
  /** Final reports of recent jobs, so a repeated job is answered, never installed twice. */
  finished: Array<{ jobId: string; report: Omit<UpdateStatusMessage, 'v' | 'attempt' | 'at'> }>;
}

export function createUpdateState(dir: string, initialRoot: SignedRoot | null, durable = true) {
  const jobFile = join(dir, 'job.json');
  const trustFile = join(dir, 'trust.json');
  let files: UpdateFiles = { job: null, finished: [] };
  let trust: TrustRecord = { root: initialRoot?.signed ?? null, counterFloor: 0 };
  return {
    async load() {
      files = (await readJson<UpdateFiles>(jobFile)) ?? files;
      trust = (await readJson<TrustRecord>(trustFile)) ?? trust;
    },
    job: () => files.job,
    trust: () => trust,
    finished: (jobId: string) => files.finished.find((f) => f.jobId === jobId)?.report ?? null,
    async setJob(job: JobRecord | null) {
      files = { ...files, job };
      if (job && !job.transient && ['succeeded', 'failed', 'rolled_back', 'skipped', 'canceled'].includes(job.state)) {
        const report = {
          jobId: job.jobId,
          state: job.state as UpdateStatusMessage['state'],
          ...(job.reason ? { reason: job.reason } : {}),
          ...(job.message ? { message: job.message } : {}),
          ...(job.firmware ? { firmware: job.firmware } : {}),
        };
        files.finished = [...files.finished.filter((f) => f.jobId !== job.jobId), { jobId: job.jobId, report }].slice(
          -32,
        );
      }
      await writeJsonAtomic(jobFile, files, durable);
    },
    async setTrust(t: TrustRecord) {
      trust = t;
      await writeJsonAtomic(trustFile, t, durable);
    },
  };
}
export type UpdateState = ReturnType<typeof createUpdateState>;
