import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuardPolicyMessage, compileValidator } from '@outpost/protocol';

// What the guard must remember across restarts so that it enforces the hub's policy and
// grants (and their expiry) before, or without, reconnecting: the last applied policy
// document and the hub key pinned on first use.

const validate = compileValidator(GuardPolicyMessage);

export interface GuardStateStore {
  loadDocument(): GuardPolicyMessage | undefined;
  saveDocument(doc: GuardPolicyMessage): void;
  loadPinnedKey(): string | undefined;
  savePinnedKey(pem: string): void;
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

/** Files `policy.json` and `pinned-hub-key.pem` in `dir` (0700). A damaged document is ignored. */
export function createFileGuardState(dir: string): GuardStateStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const docPath = join(dir, 'policy.json');
  const keyPath = join(dir, 'pinned-hub-key.pem');
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
  };
}

export function createMemoryGuardState(): GuardStateStore {
  let doc: GuardPolicyMessage | undefined;
  let key: string | undefined;
  return {
    loadDocument: () => doc,
    saveDocument: (d) => void (doc = d),
    loadPinnedKey: () => key,
    savePinnedKey: (k) => void (key = k),
  };
}
