// The device's command line: enroll, run, version. Used by the standalone agent (main.ts) and
// by `outpost agent …`, so both take the same options and say the same things.
import { readFileSync, statSync } from 'node:fs';
import { AGENT_VERSION } from '../core/agent.core.js';
import { enrollDevice, EnrollError } from '../enroll.js';
import { runAgent } from '../run.js';
import type { Agent } from '../core/agent.core.js';
import { helpText, parseOptions, UsageError, type OptionTable } from './argv.js';
import { DEFAULT_AGENT_DIR, RUN_OPTIONS, runOptionsFrom } from './run-flags.js';

export interface AgentMainIo {
  out(line: string): void;
  err(line: string): void;
  /** The program name shown in help and messages, e.g. "outpost-agent" or "outpost agent". */
  program: string;
}

const ENROLL_OPTIONS: OptionTable = {
  hub: { type: 'string', arg: 'url', help: 'hub HTTPS URL, e.g. https://hub.example:8443 (required)' },
  token: { type: 'string', arg: 'token', help: 'enrollment token (oet_…) (this or --token-file is required)' },
  'token-file': {
    type: 'string',
    arg: 'file',
    help: 'read the enrollment token from this file, so it is not on the command line other users can see',
  },
  'ca-fingerprint': {
    type: 'string',
    arg: 'sha256',
    help: 'SHA-256 fingerprint of the hub CA, shown with the token (required)',
  },
  id: { type: 'string', arg: 'deviceId', help: 'device id (default: one the hub assigns)' },
  name: { type: 'string', arg: 'name', help: 'display name' },
  dir: { type: 'string', arg: 'dir', help: 'identity directory', default: DEFAULT_AGENT_DIR },
};

const consoleIo = (program: string): AgentMainIo => ({
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  program,
});

function usage(program: string): string {
  return [
    `usage: ${program} <command> [options]`,
    '',
    'commands:',
    '  enroll    make a key pair here and enroll this device with the hub',
    '  run       connect to the hub and stay connected',
    '  version   print the agent version',
    '',
    `"${program} <command> --help" lists a command's options.`,
  ].join('\n');
}

/**
 * Runs one agent command. Returns the exit code, or the running agent for `run` (it stops on
 * SIGINT/SIGTERM and then exits 0). Usage errors exit 2, refusals and failures 1.
 */
export async function agentMain(argv: string[], io: AgentMainIo = consoleIo('outpost-agent')): Promise<number | Agent> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out(usage(io.program));
      return command === undefined ? 2 : 0;
    }
    if (command === 'version' || command === '--version') {
      io.out(AGENT_VERSION);
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      const table = command === 'enroll' ? ENROLL_OPTIONS : command === 'run' ? RUN_OPTIONS : null;
      if (!table) throw new UsageError(`unknown command "${command}"`);
      io.out(helpText(`usage: ${io.program} ${command} [options]`, table));
      return 0;
    }
    if (command === 'enroll') return await enroll(rest, io);
    if (command === 'run') return await run(rest, io);
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n\n${usage(io.program)}`);
      return 2;
    }
    if (err instanceof EnrollError) io.err(`error: ${err.code}: ${err.message}`);
    else io.err(`error: ${(err as Error).message}`);
    return 1;
  }
}

async function enroll(argv: string[], io: AgentMainIo): Promise<number> {
  const o = parseOptions(argv, ENROLL_OPTIONS);
  const token = typeof o['token-file'] === 'string' ? readTokenFile(o['token-file'], o.token) : o.token;
  const missing = ['hub', 'token', 'ca-fingerprint'].filter((k) => {
    const v = k === 'token' ? token : o[k];
    return typeof v !== 'string' || v === '';
  });
  if (missing.length) throw new UsageError(`enroll needs ${missing.map((k) => `--${k}`).join(', ')}`);
  const dir = o.dir as string;
  const r = await enrollDevice({
    hubUrl: o.hub as string,
    token: token as string,
    caFingerprint: o['ca-fingerprint'] as string,
    dir,
    deviceId: o.id as string | undefined,
    name: o.name as string | undefined,
  });
  io.out(`enrolled as ${r.deviceId}; broker ${r.mqttUrl}; identity in ${dir}`);
  return 0;
}

/** EX_TEMPFAIL (sysexits.h): the agent ends so its launcher starts the version `current` points at. */
export const RESTART_EXIT_CODE = 75;

// A token is tens of characters; the bound keeps a wrong path (a log, a disk image) out of memory.
const MAX_TOKEN_FILE_BYTES = 4096;

function readTokenFile(file: string, alsoGiven: unknown): string {
  if (alsoGiven !== undefined) throw new UsageError('give --token or --token-file, not both');
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw new UsageError(`--token-file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (size > MAX_TOKEN_FILE_BYTES) throw new UsageError(`--token-file ${file} is larger than a token can be`);
  const token = readFileSync(file, 'utf8').trim();
  if (!token) throw new UsageError(`--token-file ${file} is empty`);
  return token;
}

async function run(argv: string[], io: AgentMainIo): Promise<Agent> {
  const options = runOptionsFrom(parseOptions(argv, RUN_OPTIONS));
  const log = (level: string) => (msg: string, data?: Record<string, unknown>) =>
    io.err(JSON.stringify({ level, msg, ...data, ts: new Date().toISOString() }));
  const agent = await runAgent({
    ...options,
    // Set by the installed launcher (packaging/outpost-agent-launcher.sh): the agent may replace itself.
    agentLib: process.env.OUTPOST_AGENT_LIB || undefined,
    onRestart: () => {
      io.err(`${io.program}: restarting into the new agent version`);
      // Not 0: a unit with Restart=on-failure starts the launcher again.
      process.exit(RESTART_EXIT_CODE);
    },
    logger: { info: log('info'), warn: log('warn') },
    onCertificateExpired: (notAfter) => {
      io.err(
        `${io.program}: the device certificate expired at ${notAfter.toISOString()} and the hub refuses it ` +
          `(certificate_expired). Enroll this device again with a fresh enrollment token: ` +
          `${io.program} enroll --hub <url> --token <oet_…> --ca-fingerprint <sha256> --id <this device id> --dir ${options.dir}`,
      );
      process.exit(3);
    },
  });
  const stop = async () => {
    await agent.stop({ clean: true });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return agent;
}
