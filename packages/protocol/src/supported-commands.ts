import { DATA_WRITE_COMMAND } from './data-messages.js';

/** One command an agent said in its hello that it answers. */
export interface SupportedCommand {
  name: string;
  /** What the command does and which arguments it takes, for the commands Outpost agents ship with. */
  description: string | null;
}

// What the hub can say about the commands Outpost agents answer; a command a feature adds that is
// not listed here is shown by name only.
const DESCRIPTIONS: Record<string, string> = {
  ping: 'Answers at once with the device time: is the agent there and listening?',
  'get-info': 'Reports the agent version, model, firmware, boot id and current health figures.',
  reboot: 'Restarts the device; it is offline for a short while.',
  [DATA_WRITE_COMMAND]: 'Writes one value to a field-device point: args {"point": "...", "value": ...}.',
};

// Hello capabilities are command names (`ping`, `data.write`) beside flags that carry a colon
// (`feature:settings`, `update-root:3`, `files:1`, `diag:ping`). `data` is the one bare flag: the
// data feature's presence, not a command.
const FLAGS = new Set(['data']);
const COMMAND_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

/** The commands a device's hello capabilities announce, in the order it announced them. */
export function supportedCommandsOf(capabilities: readonly string[]): SupportedCommand[] {
  const names = capabilities.filter((c) => COMMAND_NAME.test(c) && !FLAGS.has(c));
  return [...new Set(names)].map((name) => ({ name, description: DESCRIPTIONS[name] ?? null }));
}
