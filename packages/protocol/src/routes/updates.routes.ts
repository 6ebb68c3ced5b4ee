import { Type } from '@sinclair/typebox';
import { ARTIFACT_KINDS, JOB_STATES } from '../updates-messages.js';
import { defineRoute } from './define-route.js';
import { IdParam, literals } from './common.schemas.js';
import { NewRolloutBody, RolloutReasonBody } from './rollouts.schemas.js';

export { NewRolloutBody, RolloutReasonBody };

const Counter = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });
const ExpiresInDays = Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 }));
export const NewArtifactBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    kind: literals(ARTIFACT_KINDS),
    models: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 64 }),
    minVersion: Type.Optional(Type.String({ maxLength: 64 })),
    releaseNotes: Type.Optional(Type.String({ maxLength: 65_536 })),
  },
  { additionalProperties: false },
);
export const ArtifactUploadQuery = Type.Object(
  { sha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })) },
  { additionalProperties: false },
);
export const AttachManifestBody = Type.Object({ manifest: Type.Unknown() }, { additionalProperties: false });
export const SignArtifactBody = Type.Object(
  { keyid: Type.String({ pattern: '^[0-9a-f]{64}$' }), counter: Counter, expiresInDays: ExpiresInDays },
  { additionalProperties: false },
);
export const UnsignedManifestQuery = Type.Object(
  { counter: Counter, expiresInDays: ExpiresInDays },
  { additionalProperties: false },
);
export const ArtifactListQuery = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 128 })) },
  { additionalProperties: false },
);
export const TrustRootBody = Type.Object({ root: Type.Unknown() }, { additionalProperties: false });
export const ReleaseKeyBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export const RolloutJobsQuery = Type.Object(
  {
    state: Type.Optional(literals(JOB_STATES)),
    /** 1-based wave number. */
    wave: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    device: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

const artifacts = { tag: 'artifacts' } as const;
const artifact = { tag: 'artifacts', params: IdParam } as const;
const rollouts = { tag: 'rollouts' } as const;
const rollout = { tag: 'rollouts', role: 'operator', params: IdParam } as const;

/** Artifacts and their manifests, the update trust root, hub-held release keys, rollouts and their jobs. */
export const UPDATES_ROUTES = {
  createArtifact: defineRoute({
    ...artifacts,
    id: 'artifacts.create',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/artifacts',
    role: 'operator',
    body: NewArtifactBody,
  }),
  artifacts: defineRoute({
    ...artifacts,
    id: 'artifacts.list',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/artifacts',
    role: 'viewer',
    query: ArtifactListQuery,
  }),
  artifact: defineRoute({
    ...artifact,
    id: 'artifacts.get',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/artifacts/:id',
    role: 'viewer',
  }),
  removeArtifact: defineRoute({
    ...artifact,
    id: 'artifacts.remove',
    scope: 'global',
    method: 'DELETE',
    path: '/api/v1/artifacts/:id',
    role: 'operator',
  }),
  attachManifest: defineRoute({
    ...artifact,
    id: 'artifacts.attachManifest',
    scope: 'global',
    method: 'PUT',
    path: '/api/v1/artifacts/:id/manifest',
    role: 'operator',
    body: AttachManifestBody,
  }),
  unsignedManifest: defineRoute({
    ...artifact,
    id: 'artifacts.unsignedManifest',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/artifacts/:id/unsigned-manifest',
    role: 'viewer',
    query: UnsignedManifestQuery,
  }),
  signOnHub: defineRoute({
    ...artifact,
    id: 'artifacts.signOnHub',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/artifacts/:id/sign',
    role: 'admin',
    body: SignArtifactBody,
  }),
  trustRoot: defineRoute({
    ...artifacts,
    id: 'updateTrust.root',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/update-trust/root',
    role: 'viewer',
  }),
  setTrustRoot: defineRoute({
    ...artifacts,
    id: 'updateTrust.setRoot',
    scope: 'global',
    method: 'PUT',
    path: '/api/v1/update-trust/root',
    role: 'admin',
    body: TrustRootBody,
  }),
  releaseKeys: defineRoute({
    ...artifacts,
    id: 'updateTrust.keys',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/update-trust/keys',
    role: 'viewer',
  }),
  createReleaseKey: defineRoute({
    ...artifacts,
    id: 'updateTrust.createKey',
    scope: 'global',
    method: 'POST',
    path: '/api/v1/update-trust/keys',
    role: 'admin',
    body: ReleaseKeyBody,
  }),
  /** The content as an octet-stream body, up to the hub's artifact size limit. */
  uploadContent: defineRoute({
    ...artifact,
    id: 'artifacts.uploadContent',
    scope: 'global',
    method: 'PUT',
    path: '/api/v1/artifacts/:id/content',
    role: 'operator',
    query: ArtifactUploadQuery,
  }),
  /** For devices: public, the device's client certificate and its update job are checked by the route. */
  download: defineRoute({
    ...artifact,
    id: 'artifacts.download',
    scope: 'none',
    method: 'GET',
    path: '/api/v1/artifacts/:id/download',
    role: 'public',
  }),
  content: defineRoute({
    ...artifact,
    id: 'artifacts.content',
    scope: 'global',
    method: 'GET',
    path: '/api/v1/artifacts/:id/content',
    role: 'operator',
  }),
  // A group target must lie inside a scoped caller's groups; a filter target is narrowed to them each time it runs.
  createRollout: defineRoute({
    ...rollouts,
    id: 'rollouts.create',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/rollouts',
    role: 'operator',
    body: NewRolloutBody,
  }),
  // Same body as create; nothing is created or sent. A scoped caller's preview is narrowed as its rollout would be.
  previewRollout: defineRoute({
    ...rollouts,
    id: 'rollouts.preview',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/rollouts/preview',
    role: 'operator',
    body: NewRolloutBody,
  }),
  rollouts: defineRoute({
    ...rollouts,
    id: 'rollouts.list',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/rollouts',
    role: 'viewer',
  }),
  rollout: defineRoute({
    ...rollout,
    id: 'rollouts.get',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/rollouts/:id',
    role: 'viewer',
  }),
  // Starting, resuming and approving the next wave send firmware: they need the step-up
  // (`POST /api/v1/auth/mfa/verify` first, when MFA is enrolled). Canceling never does.
  startRollout: defineRoute({
    ...rollout,
    id: 'rollouts.start',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/rollouts/:id/start',
  }),
  resumeRollout: defineRoute({
    ...rollout,
    id: 'rollouts.resume',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/rollouts/:id/resume',
  }),
  cancelRollout: defineRoute({
    ...rollout,
    id: 'rollouts.cancel',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/rollouts/:id/cancel',
  }),
  approveRollout: defineRoute({
    ...rollout,
    id: 'rollouts.approve',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/rollouts/:id/approve',
  }),
  pauseRollout: defineRoute({
    ...rollout,
    id: 'rollouts.pause',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/rollouts/:id/pause',
    body: RolloutReasonBody,
  }),
  abortRollout: defineRoute({
    ...rollout,
    id: 'rollouts.abort',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/rollouts/:id/abort',
    body: RolloutReasonBody,
  }),
  rolloutJobs: defineRoute({
    ...rollout,
    id: 'rollouts.jobs',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/rollouts/:id/jobs',
    role: 'viewer',
    query: RolloutJobsQuery,
  }),
  rolloutJob: defineRoute({
    ...rollout,
    id: 'rollouts.job',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/rollout-jobs/:id',
    role: 'viewer',
  }),
};
