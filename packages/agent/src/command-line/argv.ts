// The agent's own command-line parsing on node:util parseArgs (no CLI framework on the device).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Repeatable: every occurrence is kept, in order. */
  multiple?: boolean;
  /** Takes the words that follow it up to the next option (`--reboot-command systemctl reboot`). */
  words?: boolean;
  /** On unless `--no-<name>` is given (the option itself is only written in its `--no-` form). */
  negatable?: boolean;
  help: string;
  arg?: string;
  default?: string;
}

export type OptionTable = Record<string, OptionSpec>;
export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

/** Parses `argv` against `table`: unknown options, stray words and missing values are usage errors. */
export function parseOptions(argv: string[], table: OptionTable): ParsedOptions {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries(table)) {
    if (spec.negatable) options[`no-${name}`] = { type: 'boolean' };
    else options[name] = { type: spec.type, ...(spec.multiple || spec.words ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: spreadWords(argv, table), options, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
  const values = parsed.values as ParsedOptions;
  for (const [name, spec] of Object.entries(table)) {
    if (spec.negatable) {
      values[name] = values[`no-${name}`] !== true;
      delete values[`no-${name}`];
    }
    if (values[name] === undefined && spec.default !== undefined) values[name] = spec.default;
  }
  return values;
}

// "--opt a b c" becomes "--opt=a --opt=b --opt=c" for options that take words, so parseArgs
// (which has no variadic options) keeps them together and still refuses stray positionals.
function spreadWords(argv: string[], table: OptionTable): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : '';
    if (!table[name]?.words) {
      out.push(argv[i]);
      continue;
    }
    let n = 0;
    while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) {
      out.push(`--${name}=${argv[++i]}`);
      n++;
    }
    if (n === 0) throw new UsageError(`option '--${name} <words...>' argument missing`);
  }
  return out;
}

/** Reads a whole number within bounds, or says which option was wrong. */
export function integerOption(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got "${String(value)}"`);
  return n;
}

export function helpText(usage: string, table: OptionTable): string {
  const lines = Object.entries(table).map(([name, s]) => {
    const left = s.negatable
      ? `--no-${name}`
      : s.type === 'boolean'
        ? `--${name}`
        : `--${name} <${s.arg ?? 'value'}${s.words ? '...' : ''}>`;
    const def = s.default !== undefined ? ` (default: ${s.default})` : '';
    return `  ${left.padEnd(34)} ${s.help}${def}`;
  });
  return `${usage}\n\noptions:\n${lines.join('\n')}\n`;
}
