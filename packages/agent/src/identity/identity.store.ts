// The enrolled device identity on disk: key, certificate, CA and endpoints.
import { chmod, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export interface Identity {
  deviceId: string;
  /** PKCS#8 PEM; never leaves the device. */
  privateKeyPem: string;
  certPem: string;
  caPem: string;
  mqttUrl: string;
  httpUrl: string;
  /** SHA-256 of the CA certificate DER, lowercase hex. */
  caFingerprint: string;
  /** The hub's Ed25519 key that signs OT guard write grants (SPKI PEM), when the hub sent one. */
  guardKeyPem?: string;
  /** The update trust root (SignedRoot JSON) received at enrollment, when the hub had one. */
  updateRoot?: unknown;
}

interface IdentityMeta {
  deviceId: string;
  mqttUrl: string;
  httpUrl: string;
  caFingerprint: string;
}

const FILES = {
  // The key and its certificate in one file, replaced by one rename: never a key of one
  // generation beside a certificate of another. device.key/device.crt are copies for tools.
  credentials: 'credentials.pem',
  key: 'device.key',
  cert: 'device.crt',
  ca: 'ca.crt',
  guardKey: 'hub-guard-key.pem',
  updateRoot: 'update-root.json',
  meta: 'identity.json',
} as const;

/** Writes the identity into `dir` (0700); the key file is 0600. identity.json is written last and marks it complete. */
export async function saveIdentity(dir: string, id: Identity): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await writeAtomic(join(dir, FILES.credentials), credentialsPem(id), 0o600);
  await writeAtomic(join(dir, FILES.key), id.privateKeyPem, 0o600);
  await writeAtomic(join(dir, FILES.cert), id.certPem, 0o644);
  await writeAtomic(join(dir, FILES.ca), id.caPem, 0o644);
  if (id.guardKeyPem) await writeAtomic(join(dir, FILES.guardKey), id.guardKeyPem, 0o644);
  if (id.updateRoot)
    await writeAtomic(join(dir, FILES.updateRoot), JSON.stringify(id.updateRoot, null, 2) + '\n', 0o644);
  const meta: IdentityMeta = {
    deviceId: id.deviceId,
    mqttUrl: id.mqttUrl,
    httpUrl: id.httpUrl,
    caFingerprint: id.caFingerprint,
  };
  await writeAtomic(join(dir, FILES.meta), JSON.stringify(meta, null, 2) + '\n', 0o600);
}

/** Reads the identity from `dir`; null when the device has not enrolled yet (no identity.json). */
export async function loadIdentity(dir: string): Promise<Identity | null> {
  let metaText: string;
  try {
    metaText = await readFile(join(dir, FILES.meta), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const meta = parseMeta(metaText, join(dir, FILES.meta));
  const { privateKeyPem, certPem } = await readCredentials(dir);
  const caPem = await readFile(join(dir, FILES.ca), 'utf8');
  const guardKeyPem = await readFile(join(dir, FILES.guardKey), 'utf8').catch(() => undefined);
  const rootText = await readFile(join(dir, FILES.updateRoot), 'utf8').catch(() => undefined);
  const updateRoot = rootText ? (JSON.parse(rootText) as unknown) : undefined;
  return {
    ...meta,
    privateKeyPem,
    certPem,
    caPem,
    ...(guardKeyPem ? { guardKeyPem } : {}),
    ...(updateRoot ? { updateRoot } : {}),
  };
}

function parseMeta(text: string, path: string): IdentityMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const obj = (raw ?? {}) as Record<string, unknown>;
  const meta = { deviceId: obj.deviceId, mqttUrl: obj.mqttUrl, httpUrl: obj.httpUrl, caFingerprint: obj.caFingerprint };
  for (const [field, value] of Object.entries(meta)) {
    if (typeof value !== 'string' || value === '') throw new Error(`${path}: "${field}" is missing`);
  }
  return meta as IdentityMeta;
}

/**
 * Replaces the key and certificate after a renewal: one atomic, synced rename of credentials.pem
 * decides; the tool copies follow. A crash leaves either the old pair or the new one.
 */
export async function saveRenewedCredentials(
  dir: string,
  c: Pick<Identity, 'privateKeyPem' | 'certPem'>,
): Promise<void> {
  await writeAtomic(join(dir, FILES.credentials), credentialsPem(c), 0o600);
  await writeAtomic(join(dir, FILES.key), c.privateKeyPem, 0o600);
  await writeAtomic(join(dir, FILES.cert), c.certPem, 0o644);
}

/** Replaces the trusted CAs (ca.crt) with a bundle from the hub: one atomic, synced rename. */
export async function saveTrustBundle(dir: string, caPem: string): Promise<void> {
  await writeAtomic(join(dir, FILES.ca), caPem, 0o644);
}

function credentialsPem(c: Pick<Identity, 'privateKeyPem' | 'certPem'>): string {
  return `${c.certPem.trim()}\n${c.privateKeyPem.trim()}\n`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

async function readCredentials(dir: string): Promise<Pick<Identity, 'privateKeyPem' | 'certPem'>> {
  let text: string | null = null;
  try {
    text = await readFile(join(dir, FILES.credentials), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // Identities written before credentials.pem existed keep their key and certificate apart.
  if (text === null)
    return {
      privateKeyPem: await readFile(join(dir, FILES.key), 'utf8'),
      certPem: await readFile(join(dir, FILES.cert), 'utf8'),
    };
  const blocks = [...text.matchAll(PEM_BLOCK)];
  const cert = blocks.filter((b) => b[1] === 'CERTIFICATE').map((b) => b[0]);
  const key = blocks.find((b) => b[1] === 'PRIVATE KEY')?.[0];
  if (cert.length === 0 || !key) throw new Error(`${join(dir, FILES.credentials)} lacks a certificate or a key`);
  return { certPem: cert.join('\n') + '\n', privateKeyPem: key + '\n' };
}

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const f = await open(tmp, 'w', mode);
  try {
    await f.writeFile(data);
    await f.sync();
  } finally {
    await f.close();
  }
  await rename(tmp, path);
}
