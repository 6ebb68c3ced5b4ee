// `run`'s options (the same as `outpost agent run`) and how they become RunOptions.
import { readFileSync } from 'node:fs';
import { GuardPolicyInput, compileValidator } from '@outpost/protocol';
import type { GuardPolicy } from '@outpost/guard';
import type { RunOptions } from '../run.js';
import type { AccessFeatureOptions } from '../access/access.feature.js';
import type { RunUpdatesOptions } from '../updates/run-updates.js';
import { GUARD_SPEC_HELP, parseGuardSpec } from '../ot-guard/guard-spec.js';
import { integerOption, UsageError, type OptionTable, type ParsedOptions } from './argv.js';
import { splitCommandLine } from './command-words.js';
import { parseFileRoots } from '../files/file-roots.js';
import { DIAG_HELP, DIAG_PARAM_HELP, parseDiagnostics } from '../diagnostics/diag-spec.js';

export const DEFAULT_AGENT_DIR = '/var/lib/outpost-agent';
const WORDS = 'words split on spaces, \'…\' or "…" keep spaces in a word; run without a shell';

export const RUN_OPTIONS: OptionTable = {
  dir: { type: 'string', arg: 'dir', help: 'identity and state directory', default: DEFAULT_AGENT_DIR },
  model: { type: 'string', arg: 'model', help: 'device model reported to the hub', default: 'linux-gateway' },
  firmware: { type: 'string', arg: 'version', help: 'firmware version reported to the hub', default: '1.0.0' },
  'health-interval': { type: 'string', arg: 's', help: 'seconds between health reports', default: '30' },
  'reboot-command': { type: 'string', words: true, arg: 'cmd', help: 'command that reboots the device' },
  guard: {
    type: 'string',
    multiple: true,
    arg: 'spec',
    help: `run an inline OT guard (repeatable): ${GUARD_SPEC_HELP}`,
  },
  'iec61850-capture': {
    type: 'string',
    arg: 'file|-',
    help: "monitor IEC 61850 GOOSE/MMS in a capture tool's pcap output: - for stdin (tcpdump -U -w - … | outpost agent run --iec61850-capture -), or a FIFO/file",
  },
  'guard-policy': {
    type: 'string',
    arg: 'file',
    help: 'JSON guard policy used until the hub sends one (default: monitor)',
  },
  'settings-file': {
    type: 'string',
    arg: 'file',
    help: "the settings JSON the hub's templates manage (default: <dir>/settings.json)",
  },
  'settings-read-command': {
    type: 'string',
    arg: 'cmd',
    help: `prints the device's settings as a JSON tree, instead of --settings-file (${WORDS}; needs --settings-write-command)`,
  },
  'settings-write-command': {
    type: 'string',
    arg: 'cmd',
    help: 'takes the changes on stdin as JSON {"dotted.key": value}, exits 0 when all were written, may print {"key": "error" | null} (same syntax)',
  },
  'files-root': {
    type: 'string',
    arg: 'dir',
    help: 'where template files are placed (default: <dir>/files; / to place them as named)',
  },
  files: {
    type: 'string',
    multiple: true,
    arg: '[name=]dir:ro|rw',
    help: 'a directory the hub may browse and transfer files in (repeatable); name defaults to its last element',
  },
  'files-max-bytes': {
    type: 'string',
    arg: 'bytes',
    help: 'largest file read from or written to a --files root',
    default: '268435456',
  },
  'flows-interval': {
    type: 'string',
    arg: 's',
    help: 'seconds between traffic reports from /proc/net (0: none)',
    default: '60',
  },
  'cellular-interval': {
    type: 'string',
    arg: 's',
    help: 'seconds between cellular reports: ModemManager (mmcli), data counters, gpsd position (0: none)',
    default: '300',
  },
  gpsd: {
    type: 'string',
    arg: 'host:port',
    help: 'where gpsd listens for the position (default 127.0.0.1:2947; "off": no position)',
  },
  'data-sources': {
    type: 'string',
    arg: 'file',
    help: 'process data to read and report (Modbus TCP/RTU register maps, a local command, a local socket): a JSON file, see docs/DATA.md; the data.sources setting replaces its list',
  },
  access: { type: 'boolean', negatable: true, help: 'turn remote access off on this device' },
  'access-ports': {
    type: 'string',
    arg: 'ports',
    help: 'local TCP ports remote access may reach, e.g. 22,80,502 (default: any)',
  },
  'access-host': {
    type: 'string',
    multiple: true,
    arg: 'host:port',
    help: 'a host behind this device remote access may reach (repeatable; default: none)',
  },
  'access-console': {
    type: 'string',
    arg: 'command',
    help: 'offer a console running this shell or command on a pty, e.g. /bin/sh',
  },
  'access-console-user': {
    type: 'string',
    arg: 'user',
    help: 'run the console as this local user (the agent must run as root)',
  },
  'access-serial': {
    type: 'string',
    multiple: true,
    arg: 'name=path[@baud]',
    help: 'offer a serial port as serial:<name> (repeatable)',
  },
  updates: { type: 'boolean', negatable: true, help: 'do not take update jobs' },
  'update-installer': {
    type: 'string',
    arg: 'kind',
    help: 'ab-simulated (two image files in <dir>/updates) or script (RAUC, SWUpdate, a vendor tool)',
    default: 'ab-simulated',
  },
  'update-install-cmd': {
    type: 'string',
    words: true,
    arg: 'cmd',
    help: 'installs an image; its path is appended (e.g. rauc install)',
  },
  'update-commit-cmd': {
    type: 'string',
    words: true,
    arg: 'cmd',
    help: 'marks the running slot good after the health check (e.g. rauc status mark-good)',
  },
  'update-rollback-cmd': {
    type: 'string',
    words: true,
    arg: 'cmd',
    help: 'marks the trial slot bad (e.g. rauc status mark-bad)',
  },
  'update-version-cmd': { type: 'string', words: true, arg: 'cmd', help: 'prints the running firmware version' },
  'update-health-cmd': {
    type: 'string',
    words: true,
    arg: 'cmd',
    help: 'exit 0 when the device is healthy after an update',
  },
  'update-max-rate': { type: 'string', arg: 'bytesPerSec', help: 'download bandwidth cap' },
  diag: { type: 'string', multiple: true, arg: 'spec', help: DIAG_HELP },
  'diag-param': { type: 'string', multiple: true, arg: 'name=regex', help: DIAG_PARAM_HELP },
};

const str = (o: ParsedOptions, k: string) => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
const list = (o: ParsedOptions, k: string) => (Array.isArray(o[k]) ? (o[k] as string[]) : undefined);

/** Everything RunOptions needs but the logger, from parsed `run` options. */
export function runOptionsFrom(o: ParsedOptions): Omit<RunOptions, 'logger'> {
  const dir = str(o, 'dir') ?? DEFAULT_AGENT_DIR;
  const guardPolicy = str(o, 'guard-policy');
  return {
    dir,
    model: str(o, 'model') ?? 'linux-gateway',
    firmware: str(o, 'firmware') ?? '1.0.0',
    healthIntervalS: integerOption(o['health-interval'], 'health-interval', 1, 86_400),
    rebootCommand: list(o, 'reboot-command'),
    guards: (list(o, 'guard') ?? []).map((spec) => wrapUsage(() => parseGuardSpec(spec))),
    guardPolicy: guardPolicy ? readGuardPolicy(guardPolicy) : undefined,
    iec61850Capture: str(o, 'iec61850-capture'),
    access: accessFrom(o),
    settingsFile: str(o, 'settings-file'),
    settingsCommand: settingsCommandFrom(o),
    filesRoot: str(o, 'files-root'),
    fileRoots: wrapUsage(() => parseFileRoots(list(o, 'files') ?? [])),
    fileMaxBytes: integerOption(o['files-max-bytes'], 'files-max-bytes', 1, 64 * 1024 ** 3),
    dataSources: str(o, 'data-sources'),
    updates: updatesFrom(o),
    flowsIntervalS: integerOption(o['flows-interval'], 'flows-interval', 0, 86_400),
    cellularIntervalS: integerOption(o['cellular-interval'], 'cellular-interval', 0, 86_400),
    gpsd: gpsdFrom(str(o, 'gpsd')),
    diagnostics: wrapUsage(() => parseDiagnostics(list(o, 'diag') ?? [], list(o, 'diag-param') ?? [])),
  };
}

/** `--gpsd host:port` or `off`. */
export function gpsdFrom(v: string | undefined): { host: string; port: number } | false | undefined {
  if (v === undefined) return undefined;
  if (v === 'off') return false;
  const m = /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65_535) throw new UsageError(`--gpsd must be host:port or off, not "${v}"`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

function wrapUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A local guard policy file: the same fields an operator sets on the hub (`outpost guard policy set`). */
function readGuardPolicy(file: string): GuardPolicy {
  const r = compileValidator(GuardPolicyInput).parse(readFileSync(file, 'utf8'));
  if (!r.ok) throw new UsageError(`${file}: ${r.message}`);
  return { ...r.value, version: 0 };
}

export function accessFrom(o: ParsedOptions): Omit<AccessFeatureOptions, 'tls'> | false {
  if (o.access === false) return false;
  const serial: NonNullable<AccessFeatureOptions['serial']> = {};
  for (const spec of list(o, 'access-serial') ?? []) {
    const m = /^([A-Za-z][A-Za-z0-9_-]{0,31})=([^@]+)(?:@(\d+))?$/.exec(spec);
    if (!m) throw new UsageError(`--access-serial expects name=path[@baud], got "${spec}"`);
    serial[m[1]] = { path: m[2], ...(m[3] ? { baud: Number(m[3]) } : {}) };
  }
  const portsText = str(o, 'access-ports');
  const ports = portsText?.split(',').map((p) => Number(p.trim()));
  if (ports?.some((p) => !Number.isInteger(p) || p < 1 || p > 65535))
    throw new UsageError(`--access-ports expects port numbers, got "${portsText}"`);
  const consoleCommand = str(o, 'access-console');
  return {
    localTcp: ports ?? 'any',
    allowHosts: list(o, 'access-host') ?? [],
    ...(consoleCommand ? { console: { command: consoleCommand, user: str(o, 'access-console-user') } } : {}),
    serial,
  };
}

export function updatesFrom(o: ParsedOptions): RunUpdatesOptions | false {
  if (o.updates === false) return false;
  const installer = str(o, 'update-installer') ?? 'ab-simulated';
  if (installer !== 'ab-simulated' && installer !== 'script')
    throw new UsageError(`--update-installer expects ab-simulated or script, got "${installer}"`);
  const rate = o['update-max-rate'];
  return {
    installer,
    installCommand: list(o, 'update-install-cmd'),
    commitCommand: list(o, 'update-commit-cmd'),
    rollbackCommand: list(o, 'update-rollback-cmd'),
    versionCommand: list(o, 'update-version-cmd'),
    healthCommand: list(o, 'update-health-cmd'),
    maxBytesPerSec: rate === undefined ? undefined : integerOption(rate, 'update-max-rate', 1, Number.MAX_SAFE_INTEGER),
  };
}

/** Settings kept by the device's own tooling: both commands or neither, and not with --settings-file. */
export function settingsCommandFrom(o: ParsedOptions): RunOptions['settingsCommand'] {
  const readLine = str(o, 'settings-read-command');
  const writeLine = str(o, 'settings-write-command');
  if (readLine === undefined && writeLine === undefined) return undefined;
  if (readLine === undefined || writeLine === undefined)
    throw new UsageError('--settings-read-command and --settings-write-command go together');
  if (str(o, 'settings-file') !== undefined)
    throw new UsageError('--settings-file cannot be used with the settings commands');
  const read = wrapUsage(() => splitCommandLine(readLine));
  const write = wrapUsage(() => splitCommandLine(writeLine));
  if (!read.length || !write.length)
    throw new UsageError('--settings-read-command and --settings-write-command must not be empty');
  return { read, write };
}
