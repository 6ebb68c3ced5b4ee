/**
 * Remote-access targets: exactly one service on one device, never a network.
 *
 * - `console`            a shell or restricted command console the agent runs
 * - `serial:<port>`      a serial port the agent has under that name (e.g. `serial:ttyS1`)
 * - `tcp:<port>`         a TCP port on the device itself
 * - `tcp:<host>:<port>`  one named host behind the device (a DNS name or one IPv4 address)
 *
 * There is no wildcard, range or prefix length anywhere in the grammar, so no target can
 * stand for a subnet.
 */
export type AccessTarget =
  { kind: 'console' } | { kind: 'serial'; port: string } | { kind: 'tcp'; host: string | null; port: number };

export type TargetCheck = { ok: true; target: AccessTarget; text: string } | { ok: false; message: string };

const SERIAL = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
// RFC 1123 §2.1 host names: labels of letters, digits and hyphens, 1-63 chars, 253 in all.
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function portOf(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

/** A single host: a DNS name or one unicast IPv4 address (not 0.0.0.0/8, multicast, reserved or broadcast). */
export function checkTargetHost(host: string): string | null {
  const ip = IPV4.exec(host);
  if (ip) {
    const o = ip.slice(1).map(Number);
    if (o.some((x) => x > 255)) return `"${host}" is not an IPv4 address`;
    if (o[0] === 0) return `"${host}" is a "this network" address, not a host`;
    if (o[0] >= 224) return `"${host}" is a multicast or reserved address, not one host`;
    return null;
  }
  if (host.length > 253) return 'host name is longer than 253 characters';
  const labels = host.split('.');
  if (labels.some((l) => !LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1]))
    return `"${host}" is not a host name (lowercase letters, digits, "-" and ".")`;
  return null;
}

/** Parses and normalizes a target; the message says what is wrong. */
export function parseAccessTarget(text: string): TargetCheck {
  if (typeof text !== 'string' || text.length === 0 || text.length > 300)
    return { ok: false, message: 'a target is 1-300 characters' };
  if (text === 'console') return { ok: true, target: { kind: 'console' }, text };
  if (/[/*]/.test(text))
    return { ok: false, message: 'a target names one service; subnets, ranges and wildcards are not allowed' };
  const [kind, ...rest] = text.split(':');
  if (kind === 'serial' && rest.length === 1) {
    if (!SERIAL.test(rest[0]))
      return {
        ok: false,
        message: 'a serial port name is a letter then up to 31 letters, digits, "_" or "-", e.g. serial:ttyS1',
      };
    return { ok: true, target: { kind: 'serial', port: rest[0] }, text };
  }
  if (kind === 'tcp' && (rest.length === 1 || rest.length === 2)) {
    const port = portOf(rest[rest.length - 1]);
    if (port === null) return { ok: false, message: 'a TCP port is a number from 1 to 65535' };
    if (rest.length === 1) return { ok: true, target: { kind: 'tcp', host: null, port }, text: `tcp:${port}` };
    const host = rest[0].toLowerCase();
    const bad = checkTargetHost(host);
    if (bad) return { ok: false, message: bad };
    return { ok: true, target: { kind: 'tcp', host, port }, text: `tcp:${host}:${port}` };
  }
  return { ok: false, message: 'a target is console, serial:<port>, tcp:<port> or tcp:<host>:<port>' };
}

export function formatAccessTarget(t: AccessTarget): string {
  if (t.kind === 'console') return 'console';
  if (t.kind === 'serial') return `serial:${t.port}`;
  return t.host ? `tcp:${t.host}:${t.port}` : `tcp:${t.port}`;
}

/** Console and serial sessions carry a terminal; they are recorded as asciicast transcripts. */
export function isTerminalTarget(t: AccessTarget): boolean {
  return t.kind === 'console' || t.kind === 'serial';
}
