import { createInterface } from 'node:readline/promises';
import type { OutpostClient } from '@outpost/client';

/** Exit status of a command that ran but whose action failed on some device (distinct from 1, a refusal). */
export const EXIT_ACTION_FAILED = 4;

export interface SafetyOptions {
  yes?: boolean;
  dryRun?: boolean;
}

const SHOWN = 10;

/**
 * The safety net of an action on every device a filter matches: count them first; `--dry-run`
 * lists them and stops; more than one device needs `--yes`, or a "y" typed at a terminal.
 * Returns false when nothing is to be done.
 */
export async function confirmFleetAction(
  c: OutpostClient,
  filter: string,
  what: string,
  o: SafetyOptions,
): Promise<boolean> {
  const page = await c.devices.list({ filter, limit: SHOWN, count: true });
  const total = page.total ?? page.items.length;
  const ids = page.items.map((d) => d.id);
  const more = total > ids.length ? ` and ${total - ids.length} more` : '';
  if (total === 0) {
    console.log(`no device matches ${JSON.stringify(filter)}: nothing to ${what}`);
    return false;
  }
  if (o.dryRun) {
    console.log(`would ${what} ${total} device(s): ${ids.join(', ')}${more}`);
    return false;
  }
  if (total === 1 || o.yes) return true;
  if (!process.stdin.isTTY)
    throw new Error(
      `${total} devices match ${JSON.stringify(filter)}; add --yes to ${what} all of them (or --dry-run to list them)`,
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${what} ${total} devices (${ids.join(', ')}${more})? [y/N] `);
    if (/^y(es)?$/i.test(answer.trim())) return true;
    console.log('nothing done');
    return false;
  } finally {
    rl.close();
  }
}

/** `--args '{"count": 3}'`: a JSON object, or a clear refusal. */
export function parseArgsJson(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(`--args: not JSON: ${text.slice(0, 80)}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error('--args: expected a JSON object, e.g. {"count": 3}');
  return v as Record<string, unknown>;
}
