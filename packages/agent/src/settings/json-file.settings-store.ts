import { watch as fsWatch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { flatten, setIn, type SettingsStore } from './settings.store.js';
import { atomicWrite, createLocalFiles, type LocalFilesOptions } from './local-files.js';

export interface JsonFileStoreOptions extends LocalFilesOptions {
  /** The device's settings, a JSON tree the device's own tooling also reads (and people edit). */
  file: string;
}

/** Settings in a JSON file on a real device; changes made by editing it are seen by polling and watching. */
export function createJsonFileSettingsStore(o: JsonFileStoreOptions): SettingsStore {
  async function readTree(): Promise<Record<string, unknown>> {
    try {
      const parsed = JSON.parse(await readFile(o.file, 'utf8')) as unknown;
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }
  return {
    ...createLocalFiles(o),
    async read() {
      return flatten(await readTree());
    },
    async write(changes) {
      const tree = await readTree();
      const out: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(changes)) {
        setIn(tree, k, v);
        out[k] = null;
      }
      try {
        await atomicWrite(o.file, `${JSON.stringify(tree, null, 2)}\n`, 0o600);
      } catch (err) {
        for (const k of Object.keys(changes)) out[k] = (err as Error).message.slice(0, 200);
      }
      return out;
    },
    watch(onChange) {
      try {
        const w = fsWatch(dirname(o.file), (_e, name) => {
          if (name && join(dirname(o.file), name.toString()) === o.file) onChange();
        });
        w.on('error', () => undefined);
        return () => w.close();
      } catch {
        return () => undefined;
      }
    },
  };
}
