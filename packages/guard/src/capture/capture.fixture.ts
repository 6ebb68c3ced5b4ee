// Builders for synthetic captures used by the tests.

export interface PacketSpec {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto?: 'tcp' | 'udp';
  seq?: number;
  flags?: number;
  payload?: Uint8Array | number[];
  vlan?: number;
  /** Timestamp in microseconds since the epoch. */
  tsUs?: number;
}

const be16 = (v: number): number[] => [(v >> 8) & 0xff, v & 0xff];
const be32 = (v: number): number[] => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

function ipBytes(ip: string): number[] {
  if (!ip.includes(':')) return ip.split('.').map(Number);
  const [head, tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const words = [...h, ...new Array(8 - h.length - t.length).fill('0'), ...t];
  return words.flatMap((w) => be16(parseInt(w, 16)));
}

function transportBytes(p: PacketSpec): number[] {
  const payload = [...(p.payload ?? [])];
  if (p.proto === 'udp') return [...be16(p.sport), ...be16(p.dport), ...be16(8 + payload.length), 0, 0, ...payload];
  return [
    ...be16(p.sport),
    ...be16(p.dport),
    ...be32(p.seq ?? 1),
    ...be32(0),
    0x50,
    p.flags ?? 0x18,
    ...be16(65535),
    0,
    0,
    0,
    0,
    ...payload,
  ];
}

/** An Ethernet II frame (optionally VLAN-tagged) with IPv4 or IPv6 and TCP or UDP. */
export function ethernetFrame(p: PacketSpec): Uint8Array {
  const l4 = transportBytes(p);
  const proto = p.proto === 'udp' ? 17 : 6;
  const v6 = p.src.includes(':');
  const ip = v6
    ? [0x60, 0, 0, 0, ...be16(l4.length), proto, 64, ...ipBytes(p.src), ...ipBytes(p.dst)]
    : [0x45, 0, ...be16(20 + l4.length), 0, 0, 0x40, 0, 64, proto, 0, 0, ...ipBytes(p.src), ...ipBytes(p.dst)];
  const vlan = p.vlan !== undefined ? [0x81, 0x00, ...be16(p.vlan)] : [];
  const frame = [
    ...new Array(6).fill(0x02),
    ...new Array(6).fill(0x04),
    ...vlan,
    ...(v6 ? [0x86, 0xdd] : [0x08, 0x00]),
    ...ip,
    ...l4,
  ];
  while (frame.length < 60) frame.push(0); // Ethernet minimum size padding
  return Uint8Array.from(frame);
}

/** Classic pcap with the given byte order and timestamp precision. */
export function buildPcap(frames: Array<{ data: Uint8Array; tsUs: number }>, little = true, nanos = false): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number) => (little ? be32(v).reverse() : be32(v));
  const u16 = (v: number) => (little ? be16(v).reverse() : be16(v));
  out.push(
    ...u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4),
    ...u16(2),
    ...u16(4),
    ...u32(0),
    ...u32(0),
    ...u32(65535),
    ...u32(1),
  );
  for (const f of frames) {
    const sec = Math.floor(f.tsUs / 1e6);
    const frac = nanos ? (f.tsUs % 1e6) * 1000 : f.tsUs % 1e6;
    out.push(...u32(sec), ...u32(frac), ...u32(f.data.length), ...u32(f.data.length), ...f.data);
  }
  return Uint8Array.from(out);
}

function block(type: number, body: number[]): number[] {
  while (body.length % 4) body.push(0);
  const len = 12 + body.length;
  const le32 = (v: number) => be32(v).reverse();
  return [...le32(type), ...le32(len), ...body, ...le32(len)];
}

/** Little-endian pcapng: SHB, one Ethernet IDB (nanosecond resolution), EPBs (and one SPB if asked). */
export function buildPcapng(frames: Array<{ data: Uint8Array; tsUs: number }>, simpleLast = false): Uint8Array {
  const le32 = (v: number) => be32(v).reverse();
  const le16 = (v: number) => be16(v).reverse();
  const out: number[] = [];
  out.push(
    ...block(0x0a0d0d0a, [...le32(0x1a2b3c4d), ...le16(1), ...le16(0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
  );
  out.push(...block(1, [...le16(1), 0, 0, ...le32(0), ...le16(9), ...le16(1), 9, 0, 0, 0, 0, 0, 0, 0]));
  frames.forEach((f, i) => {
    if (simpleLast && i === frames.length - 1) {
      out.push(...block(3, [...le32(f.data.length), ...f.data]));
      return;
    }
    const ns = BigInt(f.tsUs) * 1000n;
    const hi = Number(ns >> 32n);
    const lo = Number(ns & 0xffffffffn);
    out.push(
      ...block(6, [...le32(0), ...le32(hi), ...le32(lo), ...le32(f.data.length), ...le32(f.data.length), ...f.data]),
    );
  });
  return Uint8Array.from(out);
}

/** A capture of the given packets, 1 ms apart. */
export function capture(packets: PacketSpec[], format: 'pcap' | 'pcapng' = 'pcap'): Uint8Array {
  const frames = packets.map((p, i) => ({ data: ethernetFrame(p), tsUs: p.tsUs ?? 1_700_000_000_000_000 + i * 1000 }));
  return format === 'pcap' ? buildPcap(frames) : buildPcapng(frames);
}
