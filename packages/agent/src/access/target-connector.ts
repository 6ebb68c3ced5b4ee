import { spawnSync } from 'node:child_process';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { AccessTarget } from '@outpost/protocol';
import { openSerialPort } from '../ot-guard/serial-port.opener.js';
import { spawnConsole, type ConsoleOptions } from './console-pty.js';

export type TerminalSize = { cols: number; rows: number };

/** A terminal the agent serves: a pty console, or anything that looks like one (the simulator's). */
export interface TerminalEnd {
  stream: Duplex;
  resize(cols: number, rows: number): void;
  kill(): void;
}

/** What this device lets the hub reach. The hub's policy decides who; this decides what is reachable at all. */
export interface TargetRules {
  /** `tcp:<port>` on the device: any port (default) or only these. */
  localTcp?: 'any' | number[];
  /** Where the device's own services listen (default 127.0.0.1). */
  localHost?: string;
  /** Maps a device port to another address; a simulated device exposes real local services this way. */
  mapTcp?: (port: number) => { host: string; port: number } | null;
  /** `tcp:<host>:<port>` targets behind the device, as `host:port`; nothing else behind it is reachable. */
  allowHosts?: string[];
  /** The console: a command run on a pty, or a factory for a custom one. */
  console?: ConsoleOptions | { open(size: TerminalSize): TerminalEnd };
  /** Serial ports by name (`serial:<name>`), with an optional baud rate set with stty. */
  serial?: Record<string, { path: string; baud?: number }>;
  connectTimeoutMs?: number;
}

/** Why this device will not serve the target, or null when it will. */
export function refusal(t: AccessTarget, r: TargetRules): string | null {
  if (t.kind === 'console') return r.console ? null : 'this device has no console enabled for remote access';
  if (t.kind === 'serial') return r.serial?.[t.port] ? null : `serial port "${t.port}" is not offered by this device`;
  if (t.host === null) {
    const ports = r.localTcp ?? 'any';
    return ports === 'any' || ports.includes(t.port) ? null : `local port ${t.port} is not offered by this device`;
  }
  return (r.allowHosts ?? []).map((h) => h.toLowerCase()).includes(`${t.host}:${t.port}`)
    ? null
    : `${t.host}:${t.port} is not on this device's list of reachable hosts`;
}

function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    // Half-open: when the client is done sending, the server's answer may still be on its way.
    const sock = net.connect({ host, port, allowHalfOpen: true });
    const timer = setTimeout(() => sock.destroy(new Error(`connect to ${host}:${port} timed out`)), timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.setNoDelay(true);
      resolve(sock);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Opens the local end of one stream. Outbound connections only: the agent listens nowhere. */
export async function openTarget(
  t: AccessTarget,
  r: TargetRules,
  size: TerminalSize | null,
): Promise<{ stream: Duplex; terminal?: TerminalEnd }> {
  const bad = refusal(t, r);
  if (bad) throw new Error(bad);
  const timeout = r.connectTimeoutMs ?? 5000;
  if (t.kind === 'tcp') {
    const to =
      t.host === null
        ? (r.mapTcp?.(t.port) ?? { host: r.localHost ?? '127.0.0.1', port: t.port })
        : { host: t.host, port: t.port };
    return { stream: await connectTcp(to.host, to.port, timeout) };
  }
  if (t.kind === 'serial') {
    const port = r.serial![t.port];
    if (port.baud) {
      const s = spawnSync('stty', ['-F', port.path, String(port.baud), 'raw', '-echo'], {
        timeout: 2000,
        encoding: 'utf8',
      });
      if (s.status !== 0) throw new Error(`cannot set ${port.path} to ${port.baud} baud: ${(s.stderr || '').trim()}`);
    }
    return { stream: openSerialPort(port.path) };
  }
  const c = r.console!;
  const term = 'open' in c ? c.open(size ?? { cols: 80, rows: 24 }) : spawnConsole(c, size ?? { cols: 80, rows: 24 });
  return { stream: term.stream, terminal: term };
}
