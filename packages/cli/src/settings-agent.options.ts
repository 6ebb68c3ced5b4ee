import type { Command } from 'commander';
import type { RunOptions } from '@outpost/agent';

/** `outpost agent run` flags for a device whose settings live in its own tooling rather than a JSON file. */
export interface SettingsAgentFlags {
  settingsFile?: string;
  settingsReadCommand?: string;
  settingsWriteCommand?: string;
}

const SYNTAX = 'words split on spaces, \'…\' or "…" keep spaces in a word; run without a shell';

export function addSettingsAgentOptions(cmd: Command): Command {
  return cmd
    .option(
      '--settings-read-command <cmd>',
      `command that prints the device's settings as a JSON tree, instead of --settings-file (${SYNTAX}; needs --settings-write-command)`,
    )
    .option(
      '--settings-write-command <cmd>',
      'command that takes the changes on stdin as JSON {"dotted.key": value}, exits 0 when all were written, may print {"key": "error" | null} (same syntax; needs --settings-read-command)',
    );
}

/** Splits a command line into argv: spaces separate words, single or double quotes keep them in one; no escapes, no expansion. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word = (word ?? '') + ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? '') + ch;
  }
  if (quote) throw new Error(`unclosed ${quote} in "${line}"`);
  if (word !== null) words.push(word);
  return words;
}

export function settingsCommandFromFlags(f: SettingsAgentFlags): RunOptions['settingsCommand'] {
  if (f.settingsReadCommand === undefined && f.settingsWriteCommand === undefined) return undefined;
  if (f.settingsReadCommand === undefined || f.settingsWriteCommand === undefined)
    throw new Error('--settings-read-command and --settings-write-command go together');
  if (f.settingsFile !== undefined) throw new Error('--settings-file cannot be used with the settings commands');
  const read = splitCommandLine(f.settingsReadCommand);
  const write = splitCommandLine(f.settingsWriteCommand);
  if (!read.length || !write.length)
    throw new Error('--settings-read-command and --settings-write-command must not be empty');
  return { read, write };
}
