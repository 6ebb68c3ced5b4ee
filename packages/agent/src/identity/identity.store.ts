// The enrolled device identity on disk: key, certificate, CA and endpoints.
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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
}

interface IdentityMeta {
  deviceId: string;
  mqttUrl: string;
  httpUrl: string;
  caFingerprint: string;
}

const FILES = { key: 'device.key', cert: 'device.crt', ca: 'ca.crt', meta: 'identity.json' } as const;

/** Writes the identity into `dir` (0700); the key file is 0600. identity.json is written last and marks it complete. */
export async function saveIdentity(dir: string, id: Identity): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  await writeAtomic(join(dir, FILES.key), id.privateKeyPem, 0o600);
  await writeAtomic(join(dir, FILES.cert), id.certPem, 0o644);
  await writeAtomic(join(dir, FILES.ca), id.caPem, 0o644);
  const meta: IdentityMeta = { deviceId: id.deviceId, mqttUrl: id.mqttUrl, httpUrl: id.httpUrl, caFingerprint: id.caFingerprint };
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
  const [privateKeyPem, certPem, caPem] = await Promise.all([
    readFile(join(dir, FILES.key), 'utf8'),
    readFile(join(dir, FILES.cert), 'utf8'),
    readFile(join(dir, FILES.ca), 'utf8'),
  ]);
  return { ...meta, privateKeyPem, certPem, caPem };
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

async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data, { mode });
  await rename(tmp, path);
}
