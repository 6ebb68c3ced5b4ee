import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { uploadArtifact } from '@outpost/client';
import { generateReleaseKey, signMetadata } from '@outpost/protocol/node';
import { startSimulation, simUpdatesFeature, type Simulation, type SimUpdateKnobs } from '@outpost/sim';
import type { ArtifactRecord, ManifestBody, RootBody, SignedManifest, SignedRoot } from '@outpost/protocol';
import type { TestHub } from './test-hub.js';

export type ReleaseKey = ReturnType<typeof generateReleaseKey>;

/** A root listing `keys`, signed by `signers` (defaults to all of them). */
export function makeRoot(
  keys: ReleaseKey[],
  o: { version?: number; threshold?: number; expiresInDays?: number; signers?: ReleaseKey[] } = {},
): SignedRoot {
  const body: RootBody = {
    type: 'root',
    version: o.version ?? 1,
    expires: new Date(Date.now() + (o.expiresInDays ?? 365) * 86_400_000).toISOString(),
    threshold: o.threshold ?? 1,
    keys: keys.map((k) => ({ keyid: k.keyid, publicKeyPem: k.publicKeyPem })),
  };
  return { signed: body, signatures: (o.signers ?? keys).map((k) => signMetadata(body, k.privateKeyPem)) };
}

export function signManifest(body: ManifestBody, signers: ReleaseKey[]): SignedManifest {
  return { signed: body, signatures: signers.map((k) => signMetadata(body, k.privateKeyPem)) };
}

/** Release keys and a first trust root on the hub; devices enrolled afterwards receive it. */
export async function setupTrust(t: TestHub, n = 1, threshold = 1) {
  const keys = Array.from({ length: n }, () => generateReleaseKey());
  const root = makeRoot(keys, { threshold });
  await t.admin.updateTrust.setRoot(root);
  return { keys, root };
}

/** Creates, uploads and signs an artifact (offline-style: the manifest body is signed here, then attached). */
export async function releaseArtifact(
  t: TestHub,
  signers: ReleaseKey[],
  a: {
    name?: string;
    version: string;
    kind?: 'firmware' | 'app' | 'file' | 'agent';
    models: string[];
    size?: number;
    content?: Buffer;
    counter?: number;
    minVersion?: string;
  },
): Promise<ArtifactRecord & { content: Buffer }> {
  const content = a.content ?? randomBytes(a.size ?? 4096);
  const file = join(mkdtempSync(join(tmpdir(), 'outpost-art-')), 'image.bin');
  writeFileSync(file, content);
  const created = await t.admin.artifacts.create({
    name: a.name ?? 'gw-firmware',
    version: a.version,
    kind: a.kind ?? 'firmware',
    models: a.models,
    ...(a.minVersion ? { minVersion: a.minVersion } : {}),
  });
  await uploadArtifact(t.admin.options, created.id, file);
  const body = await t.admin.artifacts.unsignedManifest(created.id, a.counter ?? 1, 30);
  const signed = await t.admin.artifacts.attachManifest(created.id, signManifest(body, signers));
  return { ...signed, content };
}

/** Simulated devices running only the updates feature (fast reboots), enrolled after the trust root exists. */
export async function startUpdateFleet(
  t: TestHub,
  n: number,
  o: { prefix: string; knobs?: Partial<SimUpdateKnobs>; rebootDelayMs?: number; cacheDir?: string },
): Promise<Simulation> {
  const tok = await t.admin.enrollment.createToken({ label: `fleet ${o.prefix}`, maxUses: n });
  const knobs: SimUpdateKnobs = { installFailurePct: 0, healthFailurePct: 0, downloadBackoffMs: 100, ...o.knobs };
  return startSimulation({
    hubUrl: t.hub.httpUrl,
    caFingerprint: tok.caFingerprint,
    token: tok.token,
    devices: n,
    cacheDir: o.cacheDir ?? mkdtempSync(join(tmpdir(), 'outpost-fleet-')),
    prefix: o.prefix,
    healthIntervalS: 30,
    rampMs: Math.min(n * 4, 2000),
    enrollConcurrency: 8,
    backoff: { baseMs: 100, capMs: 1000 },
    rebootDelayMs: o.rebootDelayMs ?? 300,
    features: (d) => [simUpdatesFeature(d, knobs)],
  });
}
