import type { ConnectionCounters, InterfaceCounters, SocketEntry } from './flow-source.js';

/** /proc/net/dev: per interface, receive then transmit columns (bytes, packets, errs, …). */
export function parseProcNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (!name || name === 'lo' || f.length < 10 || f.some((n) => !Number.isFinite(n))) continue;
    out.push({ name: name.slice(0, 32), rxBytes: f[0], rxPackets: f[1], txBytes: f[8], txPackets: f[9] });
  }
  return out.slice(0, 32);
}

// /proc/net/tcp state codes (include/net/tcp_states.h): 01 ESTABLISHED, 0A LISTEN; UDP sockets
// report 07 (CLOSE) when bound but unconnected, which is how a UDP service "listens".
const TCP_ESTABLISHED = 0x01;
const TCP_LISTEN = 0x0a;
const UDP_UNCONNECTED = 0x07;

/** True for 127.0.0.0/8, ::1 and ::ffff:127.x: traffic that never leaves the device. */
export function isLoopbackHex(addr: string): boolean {
  if (addr.length === 8) return addr.slice(6, 8) === '7F';
  if (addr.length === 32) {
    if (addr === '00000000000000000000000001000000') return true;
    // IPv4-mapped: ::ffff:a.b.c.d, the last 32-bit word little-endian.
    return addr.startsWith('0000000000000000FFFF0000') && addr.slice(30, 32) === '7F';
  }
  return false;
}

/** /proc/net/{tcp,tcp6,udp,udp6}: local and remote address:port in hex, state in hex. Loopback is left out. */
export function parseProcNetSockets(text: string, proto: 'tcp' | 'udp'): SocketEntry[] {
  const out: SocketEntry[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const [localAddr, localPortHex] = f[1].split(':');
    const [remoteAddr, remotePortHex] = f[2].split(':');
    const st = parseInt(f[3], 16);
    if (!localPortHex || !remotePortHex || Number.isNaN(st)) continue;
    if (isLoopbackHex(localAddr) || (remoteAddr && isLoopbackHex(remoteAddr))) continue;
    const listening = proto === 'tcp' ? st === TCP_LISTEN : st === UDP_UNCONNECTED;
    out.push({
      proto,
      localPort: parseInt(localPortHex, 16),
      remotePort: parseInt(remotePortHex, 16),
      listening,
      established: st === TCP_ESTABLISHED,
    });
  }
  return out;
}

/**
 * /proc/net/nf_conntrack with accounting on (net.netfilter.nf_conntrack_acct=1): each line holds
 * the original tuple (who opened it) then the reply tuple, each with packets= and bytes=.
 */
export function parseConntrack(text: string, listening: Set<string>): ConnectionCounters[] {
  const out: ConnectionCounters[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const proto = f[2];
    if (proto !== 'tcp' && proto !== 'udp') continue;
    const kv = f.filter((x) => x.includes('=')).map((x) => x.split('=') as [string, string]);
    const get = (k: string, nth: number) => kv.filter(([key]) => key === k)[nth]?.[1];
    const [src, dst, sport, dport] = [get('src', 0), get('dst', 0), Number(get('sport', 0)), Number(get('dport', 0))];
    const bytes = Number(get('bytes', 0) ?? 0) + Number(get('bytes', 1) ?? 0);
    const packets = Number(get('packets', 0) ?? 0) + Number(get('packets', 1) ?? 0);
    if (!src || !dst || !Number.isFinite(dport) || !Number.isFinite(bytes) || src.startsWith('127.') || src === '::1')
      continue;
    // Opened towards one of our listening ports: inbound to that service; else outbound to dport.
    const inbound = listening.has(`${proto}/${dport}`);
    out.push({
      key: `${proto} ${src}:${sport} ${dst}:${dport}`,
      proto,
      port: dport,
      dir: inbound ? 'in' : 'out',
      bytes,
      packets,
    });
  }
  return out;
}
