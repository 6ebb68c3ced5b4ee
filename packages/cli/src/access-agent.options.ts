import type { Command } from 'commander';
import type { AccessFeatureOptions } from '@outpost/agent';

/** `outpost agent run` flags that say what this device offers for remote access. */
export interface AccessAgentFlags {
  access?: boolean;
  accessPorts?: string;
  accessHost?: string[];
  accessConsole?: string;
  accessConsoleUser?: string;
  accessSerial?: string[];
}

const collect = (v: string, all: string[] = []) => [...all, v];

export function addAccessAgentOptions(cmd: Command): Command {
  return cmd
    .option('--no-access', 'turn remote access off on this device')
    .option('--access-ports <ports>', 'local TCP ports remote access may reach, e.g. 22,80,502 (default: any)')
    .option(
      '--access-host <host:port>',
      'a host behind this device remote access may reach (repeatable; default: none)',
      collect,
    )
    .option('--access-console <command>', 'offer a console running this shell or command on a pty, e.g. /bin/sh')
    .option('--access-console-user <user>', 'run the console as this local user (the agent must run as root)')
    .option('--access-serial <name=path[@baud]>', 'offer a serial port as serial:<name> (repeatable)', collect);
}

export function accessFromFlags(f: AccessAgentFlags): Omit<AccessFeatureOptions, 'tls'> | false {
  if (f.access === false) return false;
  const serial: NonNullable<AccessFeatureOptions['serial']> = {};
  for (const spec of f.accessSerial ?? []) {
    const m = /^([A-Za-z][A-Za-z0-9_-]{0,31})=([^@]+)(?:@(\d+))?$/.exec(spec);
    if (!m) throw new Error(`--access-serial expects name=path[@baud], got "${spec}"`);
    serial[m[1]] = { path: m[2], ...(m[3] ? { baud: Number(m[3]) } : {}) };
  }
  const ports = f.accessPorts?.split(',').map((p) => Number(p.trim()));
  if (ports?.some((p) => !Number.isInteger(p) || p < 1 || p > 65535))
    throw new Error(`--access-ports expects port numbers, got "${f.accessPorts}"`);
  return {
    localTcp: ports ?? 'any',
    allowHosts: f.accessHost ?? [],
    ...(f.accessConsole ? { console: { command: f.accessConsole, user: f.accessConsoleUser } } : {}),
    serial,
  };
}
