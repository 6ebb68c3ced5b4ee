import { compareVersions } from './shared/version-order.js';
import { metadataSigningBytes } from './shared/signing-bytes.js';
import type { ManifestBody, RootBody, SignedManifest, SignedRoot, UpdateSignature } from './updates-messages.js';

// Pure checks of update metadata, shared by the agent (before it writes anything), the hub
// (before it accepts a manifest or a root) and the CLI. Crypto comes in as a port, so this
// file has no Node APIs. Follows the TUF client workflow (TUF spec §5.3 root, §5.5 targets).

export interface TrustCrypto {
  /** Ed25519 verification of `sig` (base64) over `data` with an SPKI PEM public key. */
  verify(publicKeyPem: string, data: Uint8Array, sigB64: string): boolean;
  /** SHA-256 of the key's SPKI DER, lowercase hex: the key id. */
  keyId(publicKeyPem: string): string;
}

export type TrustFailure =
  | 'root_expired'
  | 'root_invalid'
  | 'root_version'
  | 'signature_invalid'
  | 'key_untrusted'
  | 'threshold_not_met'
  | 'manifest_expired'
  | 'model_mismatch'
  | 'version_older'
  | 'counter_rollback'
  | 'below_min_version'
  | 'hash_mismatch'
  | 'length_mismatch'
  | 'no_trust_root';

export type TrustResult = { ok: true } | { ok: false; reason: TrustFailure; message: string };
const fail = (reason: TrustFailure, message: string): TrustResult => ({ ok: false, reason, message });

/**
 * Counts distinct trusted keys with a valid signature over `body` (TUF §5.3.4: a key counts once,
 * whatever number of signatures carry its id). Also says whether any signature came from a key
 * the root does not list, or failed verification, so the refusal can name the cause.
 */
export function countValid(
  body: ManifestBody | RootBody,
  signatures: UpdateSignature[],
  root: RootBody,
  c: TrustCrypto,
) {
  const bytes = metadataSigningBytes(body);
  const keys = new Map(root.keys.map((k) => [k.keyid, k.publicKeyPem]));
  const good = new Set<string>();
  let untrusted = 0;
  let invalid = 0;
  for (const s of signatures) {
    const pem = keys.get(s.keyid);
    if (!pem) {
      untrusted++;
      continue;
    }
    let ok = false;
    try {
      ok = c.keyId(pem) === s.keyid && c.verify(pem, bytes, s.sig);
    } catch {
      ok = false;
    }
    if (ok) good.add(s.keyid);
    else invalid++;
  }
  return { valid: good.size, untrusted, invalid };
}

function thresholdResult(what: string, n: ReturnType<typeof countValid>, threshold: number): TrustResult {
  if (n.valid >= threshold) return { ok: true };
  if (n.invalid > 0)
    return fail(
      'signature_invalid',
      `${what}: ${n.invalid} signature(s) do not verify; ${n.valid} of ${threshold} required valid`,
    );
  if (n.untrusted > 0)
    return fail(
      'key_untrusted',
      `${what}: signed by ${n.untrusted} key(s) not in the trust root; ${n.valid} of ${threshold} required valid`,
    );
  return fail('threshold_not_met', `${what}: ${n.valid} valid signature(s), ${threshold} required`);
}

/** A root as a starting point: well formed, its key ids match its keys, self-signed by its threshold. */
export function checkRoot(root: SignedRoot, c: TrustCrypto): TrustResult {
  const r = root.signed;
  if (r.threshold > r.keys.length)
    return fail('root_invalid', `threshold ${r.threshold} is more than the ${r.keys.length} key(s) listed`);
  const ids = new Set<string>();
  for (const k of r.keys) {
    let id: string;
    try {
      id = c.keyId(k.publicKeyPem);
    } catch {
      return fail('root_invalid', `key ${k.keyid.slice(0, 12)} is not a valid public key`);
    }
    if (id !== k.keyid) return fail('root_invalid', `key id ${k.keyid.slice(0, 12)} does not match its key`);
    if (ids.has(id)) return fail('root_invalid', `key ${id.slice(0, 12)} is listed twice`);
    ids.add(id);
  }
  return thresholdResult(`root v${r.version}`, countValid(r, root.signatures, r, c), r.threshold);
}

/**
 * Moves from a trusted root to its successor (TUF §5.3.4–5.3.5): the new root is signed by a
 * threshold of the old root's keys and by a threshold of its own, and its version is exactly one more.
 */
export function checkRotation(current: RootBody, next: SignedRoot, c: TrustCrypto): TrustResult {
  if (next.signed.version !== current.version + 1)
    return fail('root_version', `root v${next.signed.version} does not follow v${current.version}`);
  const byOld = thresholdResult(
    `root v${next.signed.version} (by the keys of v${current.version})`,
    countValid(next.signed, next.signatures, current, c),
    current.threshold,
  );
  if (!byOld.ok) return byOld;
  return checkRoot(next, c);
}

/** Applies a chain of newer roots to the trusted one; returns the newest trusted root or the first failure. */
export function walkRoots(
  current: RootBody,
  chain: SignedRoot[],
  c: TrustCrypto,
): { ok: true; root: RootBody; rotated: boolean } | (TrustResult & { ok: false }) {
  let root = current;
  let rotated = false;
  for (const next of [...chain].sort((a, b) => a.signed.version - b.signed.version)) {
    if (next.signed.version <= root.version) continue;
    const r = checkRotation(root, next, c);
    if (!r.ok) return r;
    root = next.signed;
    rotated = true;
  }
  return { ok: true, root, rotated };
}

/**
 * The root a device trusts after a job's chain: a device that holds one walks the chain from it; a
 * device that holds none (enrolled before the release keys were set) takes the oldest root the
 * hub sent, only when it is self-consistent (its own keys sign it by its threshold), then walks
 * the rest. The caller takes the chain only from its authenticated (mutual TLS) link to the hub,
 * as it took the root at enrollment; the hub cannot make a root, since only release keys sign one.
 */
export function adoptRoots(
  current: RootBody | null,
  chain: SignedRoot[],
  c: TrustCrypto,
): { ok: true; root: RootBody; rotated: boolean } | (TrustResult & { ok: false }) {
  if (current) return walkRoots(current, chain, c);
  const sorted = [...chain].sort((a, b) => a.signed.version - b.signed.version);
  const first = sorted[0];
  if (!first)
    return {
      ok: false,
      reason: 'no_trust_root',
      message:
        "this device holds no update trust root and the hub sent none: set the release keys' root on the hub " +
        '(outpost artifacts trust set root.json); devices receive it with their next job',
    };
  const self = checkRoot(first, c);
  if (!self.ok) return self as TrustResult & { ok: false };
  const walked = walkRoots(first.signed, sorted.slice(1), c);
  return walked.ok ? { ...walked, rotated: true } : walked;
}

/** Hello capability prefix: `update-root:N`, the update trust root version a device holds (0: none, takes one). */
export const UPDATE_ROOT_CAPABILITY = 'update-root:';

/** The root version a hello reports, or null when its agent does not say (an agent older than roots over its link). */
export function updateRootOf(capabilities: readonly string[]): number | null {
  const c = capabilities.find((x) => x.startsWith(UPDATE_ROOT_CAPABILITY));
  const n = c ? Number(c.slice(UPDATE_ROOT_CAPABILITY.length)) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export interface ManifestContext {
  root: RootBody;
  now: number;
  model: string;
  currentVersion: string;
  /** Highest anti-rollback counter this device installed. */
  counterFloor: number;
}

/** Everything a device checks before it downloads and writes anything (TUF §5.3.10 freeze, §5.5 targets). */
export function checkManifest(m: SignedManifest, ctx: ManifestContext, c: TrustCrypto): TrustResult {
  // An expired root means the device cannot know which keys are current: a freeze attack.
  if (Date.parse(ctx.root.expires) <= ctx.now)
    return fail('root_expired', `the trust root v${ctx.root.version} expired at ${ctx.root.expires}`);
  const sig = thresholdResult('manifest', countValid(m.signed, m.signatures, ctx.root, c), ctx.root.threshold);
  if (!sig.ok) return sig;
  const b = m.signed;
  if (Date.parse(b.expires) <= ctx.now) return fail('manifest_expired', `the manifest expired at ${b.expires}`);
  if (!b.models.includes(ctx.model))
    return fail('model_mismatch', `the manifest is for ${b.models.join(', ')}, this device is ${ctx.model}`);
  if (compareVersions(b.version, ctx.currentVersion) < 0)
    return fail('version_older', `${b.version} is older than the installed ${ctx.currentVersion}`);
  if (b.counter < ctx.counterFloor)
    return fail('counter_rollback', `anti-rollback counter ${b.counter} is below this device's ${ctx.counterFloor}`);
  if (b.minVersion && compareVersions(ctx.currentVersion, b.minVersion) < 0) {
    return fail(
      'below_min_version',
      `the installed ${ctx.currentVersion} is below the required minimum ${b.minVersion}`,
    );
  }
  return { ok: true };
}
