import type { ArtifactRecord, ManifestBody, RolloutInput, RolloutJobRecord, RolloutRecord, RootBody, SignedManifest, SignedRoot } from '@outpost/protocol';

type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const enc = encodeURIComponent;
const q = (params: Record<string, string | number | boolean | undefined>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

export interface JobsQuery {
  state?: string;
  /** 1-based wave number. */
  wave?: number;
  device?: string;
  limit?: number;
  offset?: number;
}

/** Artifacts, the update trust root, hub-held release keys and rollouts. Content uploads: `uploadArtifact` (Node). */
export function updatesApi(c: Call) {
  return {
    artifacts: {
      create: (a: { name: string; version: string; kind: 'firmware' | 'app' | 'file'; models: string[]; minVersion?: string; releaseNotes?: string }) =>
        c<ArtifactRecord>('POST', '/api/v1/artifacts', a),
      list: (name?: string) => c<{ items: ArtifactRecord[] }>('GET', `/api/v1/artifacts${q({ name })}`),
      get: (id: string) => c<ArtifactRecord>('GET', `/api/v1/artifacts/${enc(id)}`),
      remove: (id: string) => c<void>('DELETE', `/api/v1/artifacts/${enc(id)}`),
      /** The manifest body a release key must sign for this artifact. */
      unsignedManifest: (id: string, counter: number, expiresInDays?: number) => c<ManifestBody>('GET', `/api/v1/artifacts/${enc(id)}/unsigned-manifest${q({ counter, expiresInDays })}`),
      attachManifest: (id: string, manifest: SignedManifest) => c<ArtifactRecord>('PUT', `/api/v1/artifacts/${enc(id)}/manifest`, { manifest }),
      signOnHub: (id: string, s: { keyid: string; counter: number; expiresInDays?: number }) => c<ArtifactRecord>('POST', `/api/v1/artifacts/${enc(id)}/sign`, s),
    },
    updateTrust: {
      root: () => c<{ root: SignedRoot | null; history: Array<{ version: number; expires: string; threshold: number; keys: string[] }> }>('GET', '/api/v1/update-trust/root'),
      setRoot: (root: SignedRoot) => c<{ root: RootBody }>('PUT', '/api/v1/update-trust/root', { root }),
      keys: () => c<{ items: Array<{ keyid: string; name: string; publicKeyPem: string; createdAt: string }> }>('GET', '/api/v1/update-trust/keys'),
      createKey: (name: string) => c<{ keyid: string; name: string; publicKeyPem: string }>('POST', '/api/v1/update-trust/keys', { name }),
    },
    rollouts: {
      create: (r: RolloutInput) => c<RolloutRecord>('POST', '/api/v1/rollouts', r),
      list: () => c<{ items: RolloutRecord[] }>('GET', '/api/v1/rollouts'),
      get: (id: string) => c<RolloutRecord>('GET', `/api/v1/rollouts/${enc(id)}`),
      start: (id: string) => c<RolloutRecord>('POST', `/api/v1/rollouts/${enc(id)}/start`),
      pause: (id: string, reason?: string) => c<RolloutRecord>('POST', `/api/v1/rollouts/${enc(id)}/pause`, reason ? { reason } : {}),
      resume: (id: string) => c<RolloutRecord>('POST', `/api/v1/rollouts/${enc(id)}/resume`),
      cancel: (id: string) => c<RolloutRecord>('POST', `/api/v1/rollouts/${enc(id)}/cancel`),
      abort: (id: string, reason?: string) => c<RolloutRecord>('POST', `/api/v1/rollouts/${enc(id)}/abort`, reason ? { reason } : {}),
      approve: (id: string) => c<RolloutRecord>('POST', `/api/v1/rollouts/${enc(id)}/approve`),
      jobs: (id: string, query: JobsQuery = {}) => c<{ items: RolloutJobRecord[] }>('GET', `/api/v1/rollouts/${enc(id)}/jobs${q({ ...query })}`),
      job: (jobId: string) => c<RolloutJobRecord>('GET', `/api/v1/rollout-jobs/${enc(jobId)}`),
    },
  };
}
