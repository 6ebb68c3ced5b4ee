import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuardPolicyMessage, compileValidator } from '@outpost/protocol';

// What the guard must remember across restarts so that it enforces the hub's policy and
// grants (and their expiry) before, or without, reconnecting: the last applied policy
// document, the hub key pinned on first use, and the key a verified rotation moved to.

const validate = compileValidator(GuardPolicyMessage);

export interface GuardStateStore {
  loadDocument(): GuardPolicyMessage | undefined;
  saveDocument(doc: GuardPolicyMessage): void;
  loadPinnedKey(): string | undefined;
  savePinnedKey(pem: string): void;
  /** The key a rotation led to, and the fingerprint of the key its chain started from. */
  loadRotatedKey(): RotatedKey | undefined;
  saveRotatedKey(k: RotatedKey): void;
}

export interface RotatedKey {
  pem: string;
  /** Fingerprint of the enrolled or pinned key the chain was followed from. */
  root: string;
}

function parseRotated(text: string | undefined): RotatedKey | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<RotatedKey>;
    return typeof v.pem === 'string' && typeof v.root === 'string' ? { pem: v.pem, root: v.root } : undefined;
  } catch {
    return undefined;
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

/** Files `policy.json`, `pinned-hub-key.pem` and `rotated-hub-key.json` in `dir` (0700). Damaged files are ignored. */
export function createFileGuardState(dir: string): GuardStateStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const docPath = join(dir, 'policy.json');
  const keyPath = join(dir, 'pinned-hub-key.pem');
  const rotatedPath = join(dir, 'rotated-hub-key.json');
  return {
    loadDocument() {
      const text = readText(docPath);
      if (text === undefined) return undefined;
      const r = validate.parse(text);
      return r.ok ? r.value : undefined;
    },
    saveDocument: (doc) => writeAtomic(docPath, JSON.stringify(doc)),
    loadPinnedKey: () => readText(keyPath),
    savePinnedKey: (pem) => writeAtomic(keyPath, pem),
    loadRotatedKey: () => parseRotated(readText(rotatedPath)),
    saveRotatedKey: (k) => writeAtomic(rotatedPath, JSON.stringify(k)),
  };
}

export function createMemoryGuardState(): GuardStateStore {
  let doc: GuardPolicyMessage | undefined;
  let key: string | undefined;
  let rotated: RotatedKey | undefined;
  return {
    loadDocument: () => doc,
    saveDocument: (d) => void (doc = d),
    loadPinnedKey: () => key,
    savePinnedKey: (k) => void (key = k),
    loadRotatedKey: () => rotated,
    saveRotatedKey: (k) => void (rotated = k),
  };
}
