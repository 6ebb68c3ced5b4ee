import { u16be, u32be } from '../shared/bytes.util.js';
import type { CaptureRecord } from './capture-record.types.js';

// Link, network and transport headers: Ethernet II (+ 802.1Q/802.1ad tags), Linux cooked
// capture, BSD loopback, raw IP; IPv4 (RFC 791), IPv6 (RFC 8200); TCP (RFC 9293), UDP (RFC 768).

export interface DecodedPacket {
  number: number;
  ts: number;
  srcIp: string;
  dstIp: string;
  transport: 'tcp' | 'udp';
  srcPort: number;
  dstPort: number;
  tcp?: { seq: number; ack: number; flags: number };
  payload: Uint8Array;
}

export type DecodeResult = { ok: true; packet: DecodedPacket } | { ok: false; reason: string };

export const TcpFlags = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;

/** The Ethertype of a frame and where its payload starts (VLAN tags skipped). */
export type Net = { ok: true; ether: number; at: number } | { ok: false; reason: string };

export function linkLayer(d: Uint8Array, linkType: number): Net {
  switch (linkType) {
    case 1:
      return ethernet(d);
    case 0:
      return d.length < 4 ? { ok: false, reason: 'truncated_link' } : { ok: true, ether: ipFromFamily(d), at: 4 };
    case 101:
    case 12:
    case 14:
      return { ok: true, ether: d[0] >> 4 === 6 ? 0x86dd : 0x0800, at: 0 };
    case 228:
      return { ok: true, ether: 0x0800, at: 0 };
    case 229:
      return { ok: true, ether: 0x86dd, at: 0 };
    case 113:
      return d.length < 16 ? { ok: false, reason: 'truncated_link' } : { ok: true, ether: u16be(d, 14), at: 16 };
    case 276:
      return d.length < 20 ? { ok: false, reason: 'truncated_link' } : { ok: true, ether: u16be(d, 0), at: 20 };
    default:
      return { ok: false, reason: `unsupported_link_type_${linkType}` };
  }
}

// BSD loopback: address family in host byte order; 2 is AF_INET, 24/28/30 are AF_INET6.
function ipFromFamily(d: Uint8Array): number {
  const fam = d[0] || d[3];
  return fam === 2 ? 0x0800 : 0x86dd;
}

function ethernet(d: Uint8Array): Net {
  let at = 12;
  let type = u16be(d, at);
  // Up to two VLAN tags (802.1Q 0x8100, 802.1ad 0x88A8, legacy QinQ 0x9100).
  for (let i = 0; i < 2 && (type === 0x8100 || type === 0x88a8 || type === 0x9100); i++) {
    at += 4;
    type = u16be(d, at);
  }
  if (at + 2 > d.length) return { ok: false, reason: 'truncated_link' };
  return { ok: true, ether: type, at: at + 2 };
}

interface Ip {
  src: string;
  dst: string;
  proto: number;
  body: Uint8Array;
}

function ipv4(d: Uint8Array): Ip | string {
  if (d.length < 20) return 'truncated_ip';
  if (d[0] >> 4 !== 4) return 'bad_ip_version';
  const ihl = (d[0] & 0x0f) * 4;
  const total = u16be(d, 2);
  if (ihl < 20 || total < ihl || d.length < ihl) return 'bad_ip_header';
  // Fragments (MF set or non-zero offset) are not reassembled.
  if ((u16be(d, 6) & 0x3fff) !== 0) return 'ip_fragment';
  // The total length strips Ethernet padding; a snapped packet keeps what was captured.
  const end = Math.min(total, d.length);
  return {
    // Dotted quads built from the octets: TypedArray.join is many times slower per packet.
    src: `${d[12]}.${d[13]}.${d[14]}.${d[15]}`,
    dst: `${d[16]}.${d[17]}.${d[18]}.${d[19]}`,
    proto: d[9],
    body: d.subarray(ihl, end),
  };
}

function ipv6Text(b: Uint8Array): string {
  const words = Array.from({ length: 8 }, (_, i) => u16be(b, i * 2));
  let best = [-1, 0];
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best[0] < 0) return hex.join(':');
  return `${hex.slice(0, best[0]).join(':')}::${hex.slice(best[0] + best[1]).join(':')}`;
}

function ipv6(d: Uint8Array): Ip | string {
  if (d.length < 40) return 'truncated_ip';
  if (d[0] >> 4 !== 6) return 'bad_ip_version';
  let next = d[6];
  let at = 40;
  const end = Math.min(40 + u16be(d, 4), d.length);
  // Skip hop-by-hop (0), routing (43) and destination options (60); fragments (44) are not handled.
  while (next === 0 || next === 43 || next === 60) {
    if (at + 2 > end) return 'truncated_ip';
    next = d[at];
    at += 8 + d[at + 1] * 8;
  }
  if (next === 44) return 'ip_fragment';
  if (at > end) return 'truncated_ip';
  return {
    src: ipv6Text(d.subarray(8, 24)),
    dst: ipv6Text(d.subarray(24, 40)),
    proto: next,
    body: d.subarray(at, end),
  };
}

// Packets are built as plain literals: an object spread costs microseconds per packet here.
function transport(rec: CaptureRecord, ip: Ip): DecodeResult {
  const b = ip.body;
  if (ip.proto === 6) {
    if (b.length < 20) return { ok: false, reason: 'truncated_tcp' };
    const hl = (b[12] >> 4) * 4;
    if (hl < 20 || hl > b.length) return { ok: false, reason: 'bad_tcp_header' };
    const tcp = { seq: u32be(b, 4), ack: u32be(b, 8), flags: b[13] };
    const packet: DecodedPacket = {
      number: rec.number,
      ts: rec.ts,
      srcIp: ip.src,
      dstIp: ip.dst,
      transport: 'tcp',
      srcPort: u16be(b, 0),
      dstPort: u16be(b, 2),
      tcp,
      payload: b.subarray(hl),
    };
    return { ok: true, packet };
  }
  if (ip.proto === 17) {
    if (b.length < 8) return { ok: false, reason: 'truncated_udp' };
    const len = u16be(b, 4);
    const end = len >= 8 ? Math.min(len, b.length) : b.length;
    const packet: DecodedPacket = {
      number: rec.number,
      ts: rec.ts,
      srcIp: ip.src,
      dstIp: ip.dst,
      transport: 'udp',
      srcPort: u16be(b, 0),
      dstPort: u16be(b, 2),
      payload: b.subarray(8, end),
    };
    return { ok: true, packet };
  }
  return { ok: false, reason: `ip_protocol_${ip.proto}` };
}

/** Decodes one captured frame down to its TCP or UDP payload. Never throws. */
export function decodePacket(rec: CaptureRecord): DecodeResult {
  const link = linkLayer(rec.data, rec.linkType);
  if (!link.ok) return link;
  const d = rec.data.subarray(link.at);
  const ip = link.ether === 0x0800 ? ipv4(d) : link.ether === 0x86dd ? ipv6(d) : `ethertype_${link.ether.toString(16)}`;
  if (typeof ip === 'string') return { ok: false, reason: ip };
  return transport(rec, ip);
}
