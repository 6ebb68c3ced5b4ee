import {
  UPDATES_ROUTES as U,
  type ArtifactRecord,
  type ManifestBody,
  type RolloutInput,
  type RolloutJobRecord,
  type RolloutPreview,
  type RolloutRecord,
  type RootBody,
  type SignedManifest,
  type SignedRoot,
} from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

export interface JobsQuery {
  state?: string;
  /** 1-based wave number. */
  wave?: number;
  device?: string;
  limit?: number;
  offset?: number;
}

interface NewArtifact {
  name: string;
  version: string;
  kind: 'firmware' | 'app' | 'file' | 'agent';
  models: string[];
  minVersion?: string;
  releaseNotes?: string;
}
type TrustRootHistory = Array<{ version: number; expires: string; threshold: number; keys: string[] }>;
interface ReleaseKey {
  keyid: string;
  name: string;
  publicKeyPem: string;
}

/** Artifacts, the update trust root, hub-held release keys and rollouts. Content uploads: `uploadArtifact` (Node). */
export function updatesApi(r: RouteCaller) {
  return {
    artifacts: {
      create: (a: NewArtifact) => r<ArtifactRecord>(U.createArtifact, { body: a }),
      list: (name?: string) => r<{ items: ArtifactRecord[] }>(U.artifacts, { query: { name } }),
      get: (id: string) => r<ArtifactRecord>(U.artifact, { params: { id } }),
      remove: (id: string) => r<void>(U.removeArtifact, { params: { id } }),
      /** The manifest body a release key must sign for this artifact. */
      unsignedManifest: (id: string, counter: number, expiresInDays?: number) =>
        r<ManifestBody>(U.unsignedManifest, { params: { id }, query: { counter, expiresInDays } }),
      attachManifest: (id: string, manifest: SignedManifest) =>
        r<ArtifactRecord>(U.attachManifest, { params: { id }, body: { manifest } }),
      signOnHub: (id: string, s: { keyid: string; counter: number; expiresInDays?: number }) =>
        r<ArtifactRecord>(U.signOnHub, { params: { id }, body: s }),
    },
    updateTrust: {
      root: () => r<{ root: SignedRoot | null; history: TrustRootHistory }>(U.trustRoot),
      setRoot: (root: SignedRoot) => r<{ root: RootBody }>(U.setTrustRoot, { body: { root } }),
      keys: () => r<{ items: Array<ReleaseKey & { createdAt: string }> }>(U.releaseKeys),
      createKey: (name: string) => r<ReleaseKey>(U.createReleaseKey, { body: { name } }),
    },
    rollouts: {
      create: (input: RolloutInput) => r<RolloutRecord>(U.createRollout, { body: input }),
      /** What create would do now; nothing is created or sent. */
      preview: (input: RolloutInput) => r<RolloutPreview>(U.previewRollout, { body: input }),
      list: () => r<{ items: RolloutRecord[] }>(U.rollouts),
      get: (id: string) => r<RolloutRecord>(U.rollout, { params: { id } }),
      start: (id: string) => r<RolloutRecord>(U.startRollout, { params: { id } }),
      pause: (id: string, reason?: string) =>
        r<RolloutRecord>(U.pauseRollout, { params: { id }, body: reason ? { reason } : {} }),
      resume: (id: string) => r<RolloutRecord>(U.resumeRollout, { params: { id } }),
      cancel: (id: string) => r<RolloutRecord>(U.cancelRollout, { params: { id } }),
      abort: (id: string, reason?: string) =>
        r<RolloutRecord>(U.abortRollout, { params: { id }, body: reason ? { reason } : {} }),
      approve: (id: string) => r<RolloutRecord>(U.approveRollout, { params: { id } }),
      jobs: (id: string, query: JobsQuery = {}) =>
        r<{ items: RolloutJobRecord[] }>(U.rolloutJobs, { params: { id }, query: { ...query } }),
      job: (jobId: string) => r<RolloutJobRecord>(U.rolloutJob, { params: { id: jobId } }),
    },
  };
}
