// Devices for the SettingsStore contract: a JSON settings file, and memory.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJsonFileSettingsStore } from './json-file.settings-store.js';
import { createMemorySettingsStore } from './memory.settings-store.js';
import type { SettingsStoreImplementation } from './settings-store.contract.js';
import { flatten, setIn, type Settings } from './settings.store.js';

/** Applies dotted-key changes to a JSON tree kept in a file, as a person editing it would. */
export function editJsonFile(file: string, changes: Settings): void {
  const tree = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const [k, v] of Object.entries(changes)) setIn(tree, k, v);
  writeFileSync(file, JSON.stringify(tree));
}

export const jsonFileSettings: SettingsStoreImplementation = {
  name: 'JSON file',
  async open(tree) {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-settings-'));
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify(tree));
    return {
      store: createJsonFileSettingsStore({
        file,
        stateFile: join(dir, 'agent', 'settings-state.json'),
        filesRoot: join(dir, 'root'),
      }),
      changeOutside: async (changes) => editJsonFile(file, changes),
      close: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

export const memorySettings: SettingsStoreImplementation = {
  name: 'memory',
  async open(tree) {
    const store = createMemorySettingsStore(flatten(tree));
    return { store, changeOutside: async (changes) => store.tamper(changes, 'tech'), close: async () => undefined };
  },
};
