// broker.json in the agent's state directory: the highest move sequence seen (replays are refused)
// and the broker a move made primary, which replaces the enrolled one at the next start.
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';

export interface BrokerState {
  seq: number;
  url?: string;
  caPem?: string;
}

export function createBrokerStateFile(dir: string) {
  const file = join(dir, 'broker.json');
  return {
    async load(): Promise<BrokerState> {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { seq: 0 };
        throw err;
      }
      const raw = JSON.parse(text) as Partial<BrokerState>;
      return {
        seq: Number.isInteger(raw.seq) ? raw.seq! : 0,
        ...(typeof raw.url === 'string' && typeof raw.caPem === 'string' ? { url: raw.url, caPem: raw.caPem } : {}),
      };
    },
    async save(s: BrokerState): Promise<void> {
      const tmp = `${file}.tmp`;
      const h = await open(tmp, 'w', 0o600);
      try {
        await h.writeFile(JSON.stringify(s, null, 2) + '\n');
        await h.sync();
      } finally {
        await h.close();
      }
      await rename(tmp, file);
    },
  };
}
