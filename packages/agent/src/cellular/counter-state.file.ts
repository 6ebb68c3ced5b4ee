import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseCounterState, type CounterState } from './byte-counters.js';
import type { CounterStateStore } from './cellular.feature.js';

/** Counter state in one JSON file, replaced atomically; saves run one after another in call order. */
export function createFileCounterStore(file: string): CounterStateStore {
  let chain: Promise<void> = Promise.resolve();
  return {
    async load() {
      try {
        return parseCounterState(JSON.parse(await readFile(file, 'utf8')));
      } catch {
        return null;
      }
    },
    save(state: CounterState) {
      const text = JSON.stringify(state);
      const next = chain.then(async () => {
        await mkdir(dirname(file), { recursive: true });
        await writeFile(`${file}.tmp`, text, { mode: 0o600 });
        await rename(`${file}.tmp`, file);
      });
      chain = next.catch(() => undefined);
      return next;
    },
  };
}
