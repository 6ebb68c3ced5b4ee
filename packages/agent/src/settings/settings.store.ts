import { createHash, createHmac } from 'node:crypto';
import type { DesiredMessage, ApplyResult, LocalChange, SettingValue } from '@outpost/protocol';

export type Settings = Record<string, SettingValue>;

export interface FileState {
  sha256: string | null;
  mode: number | null;
}

/** What the agent remembers between runs: the last desired document and what came of it. */
export interface SettingsState {
  desired: DesiredMessage | null;
  /** Version last applied (or, during maintenance, received). */
  appliedVersion: number;
  results: ApplyResult[];
  /** Values as the agent last saw them, to tell local changes from its own. */
  baseline: Settings | null;
  localChanges: LocalChange[];
}

/**
 * Where a device keeps its settings: a JSON file, a vendor command, or memory in the simulator.
 * Keys are flat dotted paths of the settings tree.
 */
export interface SettingsStore {
  read(): Promise<Settings>;
  /** Writes these keys; returns an error text per key that could not be written (null when it was). */
  write(changes: Settings): Promise<Record<string, string | null>>;
  readFile(path: string): Promise<FileState>;
  writeFile(path: string, content: Buffer, mode: number): Promise<void>;
  loadState(): Promise<SettingsState | null>;
  saveState(s: SettingsState): Promise<void>;
  /** Who is logged in on the device now (for "who changed it"). */
  loggedInUsers(): Promise<string[]>;
  /** Calls back when something outside the agent changed settings, where the store can see that at once. */
  watch?(onChange: () => void): () => void;
}

// Same rule as the hub: settings named like secrets never leave the device in clear.
const SECRET_NAME = /(pass(word|phrase)?|psk|secret|private|token|credential|community|api[_-]?key)$/i;
export const isSecretLookingKey = (key: string) => SECRET_NAME.test(key.slice(key.lastIndexOf('.') + 1));

export const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** HMAC-SHA256 of a value's JSON under the digest key the hub sent (base64). */
export function digestOf(keyB64: string, value: SettingValue): string {
  return createHmac('sha256', Buffer.from(keyB64, 'base64')).update(JSON.stringify(value)).digest('hex');
}

export const sha256Hex = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const KEY_PART = /^[A-Za-z0-9_-]{1,64}$/;
const isScalar = (v: unknown) =>
  v === null ||
  typeof v === 'boolean' ||
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && v.length <= 4096);

/** Flattens a settings tree into dotted keys; leaves the protocol cannot carry are skipped. */
export function flatten(tree: unknown, prefix = '', out: Settings = {}, depth = 0): Settings {
  if (!tree || typeof tree !== 'object' || Array.isArray(tree) || depth > 8) return out;
  for (const [k, v] of Object.entries(tree as Record<string, unknown>)) {
    if (!KEY_PART.test(k)) continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out, depth + 1);
    else if (Array.isArray(v) ? v.length <= 256 && v.every(isScalar) : isScalar(v)) out[key] = v as SettingValue;
  }
  return out;
}

/** Sets a dotted key in a tree, making branches as needed. */
export function setIn(tree: Record<string, unknown>, key: string, value: SettingValue): void {
  const parts = key.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null || Array.isArray(node[p])) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
}

export const emptyState = (): SettingsState => ({
  desired: null,
  appliedVersion: 0,
  results: [],
  baseline: null,
  localChanges: [],
});
