import type { Readable } from 'node:stream';
import {
  ARTIFACT_KINDS,
  ARTIFACT_NAME_PATTERN,
  SEMVER_PATTERN,
  SignedManifest,
  checkManifest,
  compileValidator,
  countValid,
  type ArtifactKind,
  type ArtifactRecord,
  type ManifestBody,
} from '@outpost/protocol';
import type { Clock } from '../../../platform/clock.js';
import { Conflict, NotFound, ValidationError } from '../../../platform/errors.js';
import { newId } from '../../../platform/ids.js';
import type { AuditLog } from '../../audit/index.js';
import type { Actor } from '../../audit/index.js';
import { versionKey } from '@outpost/protocol';
import { ManifestInvalid } from './artifact-errors.js';
import type { ArtifactFiles } from './artifact-files.js';
import type { ArtifactsStore } from './artifacts.store.js';
import type { UpdateTrust } from './update-trust.service.js';
import { nodeTrustCrypto } from '@outpost/protocol/node';

const NAME = new RegExp(ARTIFACT_NAME_PATTERN);
const SEMVER = new RegExp(SEMVER_PATTERN);
const validateManifest = compileValidator(SignedManifest);

export interface ArtifactsDeps {
  store: ArtifactsStore;
  files: ArtifactFiles;
  trust: UpdateTrust;
  audit: AuditLog;
  clock: Clock;
  maxBytes: number;
  /** Whether a rollout still uses the artifact (it may not be removed then). */
  inUse(artifactId: string): Promise<boolean>;
}

export interface ArtifactInput {
  name: string;
  version: string;
  kind: ArtifactKind;
  models: string[];
  minVersion?: string;
  releaseNotes?: string;
}

export interface ArtifactsService {
  create: (actor: Actor, input: ArtifactInput) => Promise<ArtifactRecord>;
  upload: (actor: Actor, id: string, body: Readable, expectedSha256?: string) => Promise<ArtifactRecord>;
  attachManifest: (actor: Actor, id: string, input: unknown) => Promise<ArtifactRecord>;
  signOnHub: (
    actor: Actor,
    id: string,
    input: {
      keyid: string;
      counter: number;
      expiresInDays: number;
    },
  ) => Promise<ArtifactRecord>;
  remove: (actor: Actor, id: string) => Promise<void>;
  get: (id: string) => Promise<ArtifactRecord>;
  list: (name?: string) => Promise<ArtifactRecord[]>;
  /** The manifest body a releaser signs offline for this artifact. */
  unsignedManifest(
    id: string,
    counter: number,
    expiresInDays: number,
  ): Promise<{
    minVersion?: string | undefined;
    name: string;
    type: 'manifest';
    kind: 'firmware' | 'agent' | 'app' | 'file';
    length: number;
    version: string;
    issuedAt: string;
    sha256: string;
    models: string[];
    counter: number;
    expires: string;
  }>;
  files: ArtifactFiles;
}

export function createArtifactsService(d: ArtifactsDeps): ArtifactsService {
  async function get(id: string): Promise<ArtifactRecord> {
    const a = await d.store.get(id);
    if (!a) throw new NotFound('artifact', id);
    return a;
  }

  async function create(actor: Actor, input: ArtifactInput): Promise<ArtifactRecord> {
    if (!NAME.test(input.name))
      throw new ValidationError('name: lowercase letters, digits, ".", "_", "-"', { path: '/name' });
    if (!SEMVER.test(input.version))
      throw new ValidationError('version must be a semantic version such as 2.1.0', { path: '/version' });
    if (input.minVersion && !SEMVER.test(input.minVersion))
      throw new ValidationError('minVersion must be a semantic version', { path: '/minVersion' });
    if (!ARTIFACT_KINDS.includes(input.kind))
      throw new ValidationError(`kind is one of ${ARTIFACT_KINDS.join(', ')}`, { path: '/kind' });
    if (await d.store.byNameVersion(input.name, input.version))
      throw new Conflict(`artifact ${input.name} ${input.version} already exists`);
    const id = newId('art');
    await d.store.insert({
      id,
      name: input.name,
      version: input.version,
      versionKey: versionKey(input.version),
      kind: input.kind,
      models: [...new Set(input.models)],
      minVersion: input.minVersion ?? null,
      releaseNotes: input.releaseNotes ?? '',
      createdBy: actor.id,
      createdAt: d.clock.now().toISOString(),
    });
    await d.audit.record({
      actor,
      action: 'artifact.create',
      target: `artifact:${id}`,
      details: { name: input.name, version: input.version, kind: input.kind, models: input.models },
    });
    return get(id);
  }

  /** Streams the content to the blob store by SHA-256; `expectedSha256` (if given) must match. */
  async function upload(actor: Actor, id: string, body: Readable, expectedSha256?: string): Promise<ArtifactRecord> {
    const a = await get(id);
    if (a.sha256) throw new Conflict(`artifact ${a.name} ${a.version} already has its content; create a new version`);
    const got = await d.files.receive(body, d.maxBytes);
    if (got.length === 0) {
      await d.files.discard(got.tmpKey);
      throw new ValidationError('the artifact is empty', { path: '/body' });
    }
    if (expectedSha256 && expectedSha256.toLowerCase() !== got.sha256) {
      await d.files.discard(got.tmpKey);
      throw new ValidationError(`the uploaded content has SHA-256 ${got.sha256}, not the declared ${expectedSha256}`, {
        path: '/sha256',
      });
    }
    await d.files.commit(got.tmpKey, got.sha256);
    if (!(await d.store.setContent(id, got.sha256, got.length, d.clock.now().toISOString())))
      throw new Conflict('the content was uploaded concurrently');
    await d.audit.record({
      actor,
      action: 'artifact.upload',
      target: `artifact:${id}`,
      details: { sha256: got.sha256, length: got.length },
    });
    return get(id);
  }

  /** What a release key must sign for this artifact (the CLI signs exactly this offline). */
  function bodyFor(a: ArtifactRecord, counter: number, expires: string): ManifestBody {
    if (!a.sha256 || a.length === null)
      throw new Conflict(`artifact ${a.name} ${a.version} has no content yet: upload it first`);
    return {
      type: 'manifest',
      name: a.name,
      version: a.version,
      kind: a.kind,
      sha256: a.sha256,
      length: a.length,
      models: a.models,
      ...(a.minVersion ? { minVersion: a.minVersion } : {}),
      counter,
      issuedAt: d.clock.now().toISOString(),
      expires,
    };
  }

  function assertMatches(a: ArtifactRecord, m: ManifestBody) {
    const checks: Array<[string, unknown, unknown]> = [
      ['name', m.name, a.name],
      ['version', m.version, a.version],
      ['kind', m.kind, a.kind],
      ['sha256', m.sha256, a.sha256],
      ['length', m.length, a.length],
      ['minVersion', m.minVersion ?? null, a.minVersion],
      ['models', [...m.models].sort().join(','), [...a.models].sort().join(',')],
    ];
    for (const [field, got, want] of checks) {
      if (got !== want)
        throw new ManifestInvalid(
          `the manifest's ${field} (${String(got)}) does not match the artifact (${String(want)})`,
          { path: `/signed/${field}` },
        );
    }
  }

  /** Attaches a manifest signed offline; it must describe this artifact and meet the current root's threshold. */
  async function attachManifest(actor: Actor, id: string, input: unknown): Promise<ArtifactRecord> {
    const a = await get(id);
    if (!a.sha256) throw new Conflict(`artifact ${a.name} ${a.version} has no content yet: upload it first`);
    const v = validateManifest.check(input);
    if (!v.ok)
      throw new ValidationError(`manifest: ${v.message}`, {
        path: `/manifest${v.path && v.path !== '/' ? v.path : ''}`,
      });
    assertMatches(a, v.value.signed);
    const root = await d.trust.current();
    if (!root)
      throw new ManifestInvalid(
        'no update trust root is set on the hub: set one first (outpost artifacts trust set root.json)',
      );
    // The device checks model and version against itself; here only signatures and expiry count.
    const r = checkManifest(
      v.value,
      {
        root: root.signed,
        now: d.clock.now().getTime(),
        model: v.value.signed.models[0],
        currentVersion: '0.0.0',
        counterFloor: 0,
      },
      nodeTrustCrypto,
    );
    if (!r.ok) throw new ManifestInvalid(r.message, { reason: r.reason });
    await d.store.setManifest(id, v.value);
    await d.audit.record({
      actor,
      action: 'artifact.manifest',
      target: `artifact:${id}`,
      details: {
        keys: v.value.signatures.map((s) => s.keyid.slice(0, 16)),
        counter: v.value.signed.counter,
        expires: v.value.signed.expires,
      },
    });
    return get(id);
  }

  /** Signs with a hub-held key, adding to an existing manifest's signatures when the body is the same. */
  async function signOnHub(
    actor: Actor,
    id: string,
    input: { keyid: string; counter: number; expiresInDays: number },
  ): Promise<ArtifactRecord> {
    const a = await get(id);
    const expires = new Date(d.clock.now().getTime() + input.expiresInDays * 86_400_000).toISOString();
    const existing = a.manifest && a.manifest.signed.counter === input.counter ? a.manifest : null;
    const body = existing ? existing.signed : bodyFor(a, input.counter, expires);
    const sig = await d.trust.signWith(input.keyid, body);
    const signatures = [...(existing?.signatures ?? []).filter((s) => s.keyid !== sig.keyid), sig];
    const root = await d.trust.current();
    const trusted = root ? countValid(body, signatures, root.signed, nodeTrustCrypto).valid : 0;
    await d.store.setManifest(id, { signed: body, signatures });
    await d.audit.record({
      actor,
      action: 'artifact.sign',
      target: `artifact:${id}`,
      details: { keyid: input.keyid.slice(0, 16), counter: body.counter, trustedSignatures: trusted },
    });
    return get(id);
  }

  async function remove(actor: Actor, id: string) {
    const a = await get(id);
    if (await d.inUse(id)) throw new Conflict(`artifact ${a.name} ${a.version} is used by a rollout`);
    await d.store.remove(id);
    if (a.sha256 && (await d.store.countBySha(a.sha256)) === 0) await d.files.remove(a.sha256);
    await d.audit.record({
      actor,
      action: 'artifact.delete',
      target: `artifact:${id}`,
      details: { name: a.name, version: a.version },
    });
  }

  return {
    create,
    upload,
    attachManifest,
    signOnHub,
    remove,
    get,
    list: (name?: string) => d.store.list(name),
    /** The manifest body a releaser signs offline for this artifact. */
    async unsignedManifest(id: string, counter: number, expiresInDays: number) {
      return bodyFor(
        await get(id),
        counter,
        new Date(d.clock.now().getTime() + expiresInDays * 86_400_000).toISOString(),
      );
    },
    files: d.files,
  };
}
