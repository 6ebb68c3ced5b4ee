import { isIP } from 'node:net';
import type { Endpoint } from './tcp-relay.server.js';

/** One inline guard the agent runs, as configured on the command line. */
export type GuardSpec =
  | { kind: 'modbus-tcp'; listen: Endpoint; upstream: Endpoint }
  | { kind: 'dnp3-tcp'; listen: Endpoint; upstream: Endpoint }
  | { kind: 'mms-tcp'; listen: Endpoint; upstream: Endpoint }
  | { kind: 'modbus-rtu'; master: string; device: string; baudRate: number }
  | { kind: 'dnp3-serial'; master: string; device: string }
  | { kind: 'console'; terminal: string; device: string };

// Modbus over Serial Line v1.02 §2.5.1: 19200 baud is the required default.
const DEFAULT_BAUD = 19200;
const BAUDS = new Set([1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200]);

export const GUARD_SPEC_HELP =
  'modbus-tcp:LISTEN_HOST:PORT=PLC_HOST:PORT, dnp3-tcp:LISTEN_HOST:PORT=OUTSTATION_HOST:PORT, ' +
  'mms-tcp:LISTEN_HOST:PORT=IED_HOST:102, ' +
  'modbus-rtu:/dev/MASTER_SIDE=/dev/DEVICE_SIDE[@BAUD], dnp3-serial:/dev/MASTER_SIDE=/dev/OUTSTATION_SIDE, ' +
  'console:/dev/TERMINAL_SIDE=/dev/DEVICE_SIDE';

function endpoint(text: string, what: string): Endpoint {
  // "[v6]:port" or "host:port"; the port is the text after the last colon.
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:[\]]+):(\d{1,5})$/.exec(text);
  if (!m) throw new Error(`${what} "${text}" must be HOST:PORT (IPv6 as [ADDR]:PORT)`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`${what} port ${port} is out of range 1-65535`);
  if (m[0].startsWith('[') && isIP(m[1]) !== 6) throw new Error(`${what} "${m[1]}" is not an IPv6 address`);
  return { host: m[1], port };
}

function serialPath(text: string, what: string): string {
  if (!/^\/[^\s=@]+$/.test(text))
    throw new Error(`${what} "${text}" must be an absolute device path such as /dev/ttyS1`);
  return text;
}

function pair(rest: string, kind: string): [string, string] {
  const i = rest.indexOf('=');
  if (i <= 0 || i === rest.length - 1)
    throw new Error(`guard "${kind}" needs two sides separated by "=" (${GUARD_SPEC_HELP})`);
  return [rest.slice(0, i), rest.slice(i + 1)];
}

/** Parses `--guard` values such as `modbus-tcp:127.0.0.1:1502=10.0.0.5:502`. Throws with a readable message. */
export function parseGuardSpec(text: string): GuardSpec {
  const colon = text.indexOf(':');
  const kind = colon > 0 ? text.slice(0, colon) : text;
  const rest = colon > 0 ? text.slice(colon + 1) : '';
  switch (kind) {
    case 'modbus-tcp':
    case 'dnp3-tcp':
    case 'mms-tcp': {
      const [l, u] = pair(rest, kind);
      return { kind, listen: endpoint(l, 'listen address'), upstream: endpoint(u, 'upstream address') };
    }
    case 'modbus-rtu': {
      const [m, right] = pair(rest, kind);
      const at = right.lastIndexOf('@');
      const baudRate = at >= 0 ? Number(right.slice(at + 1)) : DEFAULT_BAUD;
      if (!BAUDS.has(baudRate))
        throw new Error(`baud rate "${right.slice(at + 1)}" is not one of ${[...BAUDS].join(', ')}`);
      return {
        kind,
        master: serialPath(m, 'master side'),
        device: serialPath(at >= 0 ? right.slice(0, at) : right, 'device side'),
        baudRate,
      };
    }
    case 'dnp3-serial': {
      // DNP3 frames carry their own length: the line speed is the port's setting (stty), not the guard's.
      const [m, d] = pair(rest, kind);
      return { kind, master: serialPath(m, 'master side'), device: serialPath(d, 'outstation side') };
    }
    case 'console': {
      const [t, d] = pair(rest, kind);
      return { kind, terminal: serialPath(t, 'terminal side'), device: serialPath(d, 'device side') };
    }
    default:
      throw new Error(`unknown guard "${kind}"; expected one of: ${GUARD_SPEC_HELP}`);
  }
}

/** A short name for logs and events, e.g. "modbus-tcp 127.0.0.1:1502". */
export function guardName(s: GuardSpec): string {
  const ep = (e: Endpoint) => (e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`);
  if (s.kind === 'modbus-tcp' || s.kind === 'dnp3-tcp' || s.kind === 'mms-tcp') return `${s.kind} ${ep(s.listen)}`;
  if (s.kind === 'modbus-rtu' || s.kind === 'dnp3-serial') return `${s.kind} ${s.master}`;
  return `console ${s.terminal}`;
}
