// Encoders for realistic GOOSE frames and MMS exchanges (tests only): BER built by hand the
// way IEC 61850 devices send it, wrapped in Ethernet or TPKT/COTP/session/presentation.

export type Bytes = number[];

const lengthOctets = (n: number): Bytes =>
  n < 0x80
    ? [n]
    : n < 0x100
      ? [0x81, n]
      : n < 0x10000
        ? [0x82, n >> 8, n & 0xff]
        : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];

/** One TLV with a single-octet tag. */
export function tlv(tag: number, ...content: Bytes[]): Bytes {
  const body = content.flat();
  return [tag, ...lengthOctets(body.length), ...body];
}

export const text = (s: string): Bytes => [...Buffer.from(s, 'latin1')];

/** Minimal two's-complement INTEGER octets. */
export function intOctets(v: number): Bytes {
  const out: Bytes = [];
  let x = v;
  do {
    out.unshift(((x % 256) + 256) % 256);
    x = Math.floor(x / 256);
  } while (!(x === 0 && out[0] < 0x80) && !(x === -1 && out[0] >= 0x80));
  return out;
}

/** Unsigned counters as devices encode them: minimal, with a leading zero when the top bit is set. */
export const uintOctets = (v: number): Bytes => intOctets(v);

export const data = {
  boolean: (v: boolean) => tlv(0x83, [v ? 1 : 0]),
  integer: (v: number) => tlv(0x85, intOctets(v)),
  unsigned: (v: number) => tlv(0x86, uintOctets(v)),
  float: (v: number) => {
    const b = Buffer.alloc(4);
    b.writeFloatBE(v);
    return tlv(0x87, [8, ...b]);
  },
  bitString: (unused: number, ...octets: number[]) => tlv(0x84, [unused, ...octets]),
  visible: (s: string) => tlv(0x8a, text(s)),
  utcTime: (sec: number, frac: number, quality = 0x0a) => tlv(0x91, utcOctets(sec, frac, quality)),
  structure: (...items: Bytes[]) => tlv(0xa2, ...items),
  array: (...items: Bytes[]) => tlv(0xa1, ...items),
};

export function utcOctets(sec: number, frac: number, quality = 0x0a): Bytes {
  return [
    sec >>> 24,
    (sec >> 16) & 0xff,
    (sec >> 8) & 0xff,
    sec & 0xff,
    frac >> 16,
    (frac >> 8) & 0xff,
    frac & 0xff,
    quality,
  ];
}

export interface GooseSpec {
  appId?: number;
  gocbRef: string;
  timeAllowedToLive: number;
  datSet: string;
  goId?: string;
  tSec: number;
  tFrac?: number;
  stNum: number;
  sqNum: number;
  simulation?: boolean;
  confRev: number;
  ndsCom?: boolean;
  allData: Bytes[];
  src?: Bytes;
  vlan?: number;
}

export const MAC_PUBLISHER: Bytes = [0x00, 0x30, 0xa7, 0x11, 0x22, 0x33];
export const MAC_GOOSE_MULTICAST: Bytes = [0x01, 0x0c, 0xcd, 0x01, 0x00, 0x01];

/** The goosePdu with its APPID header (what follows the Ethertype). */
export function gooseApdu(g: GooseSpec): Bytes {
  const pdu = tlv(
    0x61,
    tlv(0x80, text(g.gocbRef)),
    tlv(0x81, intOctets(g.timeAllowedToLive)),
    tlv(0x82, text(g.datSet)),
    g.goId === undefined ? [] : tlv(0x83, text(g.goId)),
    tlv(0x84, utcOctets(g.tSec, g.tFrac ?? 0)),
    tlv(0x85, uintOctets(g.stNum)),
    tlv(0x86, uintOctets(g.sqNum)),
    tlv(0x87, [g.simulation ? 1 : 0]),
    tlv(0x88, uintOctets(g.confRev)),
    tlv(0x89, [g.ndsCom ? 1 : 0]),
    tlv(0x8a, intOctets(g.allData.length)),
    tlv(0xab, ...g.allData),
  );
  const len = 8 + pdu.length;
  const appId = g.appId ?? 0x0001;
  return [appId >> 8, appId & 0xff, len >> 8, len & 0xff, 0, 0, 0, 0, ...pdu];
}

/** A whole Ethernet frame carrying GOOSE (VLAN-tagged with priority 4 when `vlan` is set). */
export function gooseFrame(g: GooseSpec): Uint8Array {
  const tag = g.vlan === undefined ? [] : [0x81, 0x00, 0x80 | (g.vlan >> 8), g.vlan & 0xff];
  const frame = [...MAC_GOOSE_MULTICAST, ...(g.src ?? MAC_PUBLISHER), ...tag, 0x88, 0xb8, ...gooseApdu(g)];
  while (frame.length < 60) frame.push(0);
  return Uint8Array.from(frame);
}
