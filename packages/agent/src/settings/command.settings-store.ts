import { flatten, type Settings, type SettingsStore } from './settings.store.js';
import { createLocalFiles, type LocalFilesOptions } from './local-files.js';
import { runBoundedCommand } from './bounded-command.js';

export interface CommandStoreOptions extends LocalFilesOptions {
  /** Prints the device's settings as a JSON tree on stdout (argv, run without a shell), e.g. a wrapper around `uci show`. */
  readCommand: string[];
  /**
   * Takes the changes on stdin, a JSON object of dotted keys and values; exit code 0 means all
   * were written. It may print `{ "<key>": "<error text>" | null }` on stdout to report keys it
   * could not write; a non-zero exit without that means every key failed with its stderr text.
   */
  writeCommand: string[];
  /** Default 10 s each. */
  readTimeoutMs?: number;
  writeTimeoutMs?: number;
  /** Most a command may print (default 4 MiB). */
  maxOutputBytes?: number;
}

const MAX_ERROR = 200;
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

/** Error text a vendor tool printed, with every value being written blanked out: secrets never reach an error report. */
function hideValues(text: string, changes: Settings): string {
  const values = Object.values(changes).flatMap((v) => (Array.isArray(v) ? v : [v]));
  let out = text;
  for (const v of values) if (typeof v === 'string' && v.length >= 4) out = out.split(v).join('***');
  return out.trim().slice(0, MAX_ERROR);
}

/**
 * Settings kept by the device's own tooling, reached through two commands the agent is configured
 * with. Nothing tells the agent when they change, so the settings feature polls `read`.
 */
export function createCommandSettingsStore(o: CommandStoreOptions): SettingsStore {
  if (!o.readCommand.length || !o.writeCommand.length)
    throw new Error('the settings read and write commands must both be given');
  const maxBytes = o.maxOutputBytes ?? 4 * 1048576;
  const readLabel = 'settings read command';
  const writeLabel = 'settings write command';
  return {
    ...createLocalFiles(o),
    async read() {
      const r = await runBoundedCommand(o.readCommand, {
        label: readLabel,
        timeoutMs: o.readTimeoutMs ?? 10_000,
        maxBytes,
      });
      if (r.code !== 0) {
        const why = r.stderr.trim().slice(0, MAX_ERROR);
        throw new Error(`${readLabel} ${o.readCommand[0]} exited with ${r.code}${why ? `: ${why}` : ''}`);
      }
      // The parser's own message would quote what was printed, secrets included.
      const tree = parseObject(r.stdout);
      if (!tree)
        throw new Error(
          `${readLabel} ${o.readCommand[0]} did not print a JSON object (${Buffer.byteLength(r.stdout)} bytes on stdout)`,
        );
      return flatten(tree);
    },
    async write(changes) {
      const keys = Object.keys(changes);
      if (!keys.length) return {};
      const every = (error: string | null) => Object.fromEntries(keys.map((k) => [k, error]));
      let r;
      try {
        r = await runBoundedCommand(o.writeCommand, {
          label: writeLabel,
          input: JSON.stringify(changes),
          timeoutMs: o.writeTimeoutMs ?? 10_000,
          maxBytes,
        });
      } catch (err) {
        return every(hideValues((err as Error).message, changes));
      }
      const failed =
        r.code === 0
          ? null
          : hideValues(r.stderr, changes) || `${writeLabel} ${o.writeCommand[0]} exited with ${r.code}`;
      const perKey = parseObject(r.stdout.trim());
      if (!perKey) return every(failed);
      const out: Record<string, string | null> = {};
      for (const k of keys) {
        const v = perKey[k];
        // A key the command did not mention shares the command's outcome.
        out[k] = v === null ? null : typeof v === 'string' ? hideValues(v, changes) || 'not written' : failed;
      }
      return out;
    },
  };
}
