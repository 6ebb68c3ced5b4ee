import type { SettingValue } from '@outpost/protocol';
import { sha256Hex, type FileState, type Settings, type SettingsState, type SettingsStore } from './settings.store.js';

export interface MemorySettingsStore extends SettingsStore {
  /** How many times each key was written by the agent (a test can see nothing was applied twice). */
  writes: Map<string, number>;
  fileWrites: Map<string, number>;
  /** A technician changes values behind the agent's back, logged in as `user`. */
  tamper(changes: Settings, user: string): void;
  /** Values that fail to apply, as a broken device would refuse them. */
  failOn: Map<string, string>;
  snapshot(): Settings;
}

/** Settings kept in memory: the simulator's device, and tests'. */
export function createMemorySettingsStore(initial: Settings = {}): MemorySettingsStore {
  const values: Settings = { ...initial };
  const files = new Map<string, { content: Buffer; mode: number }>();
  const listeners = new Set<() => void>();
  let state: SettingsState | null = null;
  let users: string[] = [];
  const writes = new Map<string, number>();
  const fileWrites = new Map<string, number>();
  const failOn = new Map<string, string>();
  return {
    writes,
    fileWrites,
    failOn,
    snapshot: () => structuredClone(values),
    async read() {
      return structuredClone(values);
    },
    async write(changes) {
      const out: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(changes)) {
        const fail = failOn.get(k);
        if (fail) {
          out[k] = fail;
          continue;
        }
        values[k] = structuredClone(v) as SettingValue;
        writes.set(k, (writes.get(k) ?? 0) + 1);
        out[k] = null;
      }
      return out;
    },
    async readFile(path): Promise<FileState> {
      const f = files.get(path);
      return f ? { sha256: sha256Hex(f.content), mode: f.mode } : { sha256: null, mode: null };
    },
    async writeFile(path, content, mode) {
      files.set(path, { content: Buffer.from(content), mode });
      fileWrites.set(path, (fileWrites.get(path) ?? 0) + 1);
    },
    async loadState() {
      return state ? structuredClone(state) : null;
    },
    async saveState(s) {
      state = structuredClone(s);
    },
    async loggedInUsers() {
      return [...users];
    },
    watch(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    tamper(changes, user) {
      users = [user];
      Object.assign(values, structuredClone(changes));
      for (const l of listeners) l();
    },
  };
}
