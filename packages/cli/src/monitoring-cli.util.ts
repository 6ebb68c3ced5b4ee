import type { Command } from 'commander';

// Options every command that talks to a hub takes.
export type Common = { hub?: string; token?: string; caFile?: string; json?: boolean };

export function common(cmd: Command): Command {
  return cmd
    .option('--hub <url>', 'hub URL (OUTPOST_HUB)')
    .option('--token <apiToken>', 'API token (OUTPOST_TOKEN)')
    .option('--ca-file <file>', 'hub CA certificate')
    .option('--json', 'print JSON for scripts');
}

export const num = (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`"${v}" is not a number`);
  return n;
};

export const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `k=v` with JSON values where they parse (numbers, booleans, lists), text otherwise. */
export function parseParams(pairs: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i <= 0) throw new Error(`expected name=value, got "${p}"`);
    const raw = p.slice(i + 1);
    try {
      out[p.slice(0, i)] = JSON.parse(raw);
    } catch {
      out[p.slice(0, i)] = raw;
    }
  }
  return out;
}
