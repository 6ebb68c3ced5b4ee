// The few DER encodings (ITU-T X.690) a PKCS#10 request needs, written out so the device
// carries no ASN.1 library: definite lengths, primitive and constructed tags.

const TAG = {
  integer: 0x02,
  bitString: 0x03,
  oid: 0x06,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
} as const;

/** The length octets: short form below 128, else 0x80|n followed by n big-endian octets (X.690 §8.1.3). */
export function derLength(n: number): Buffer {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`bad DER length ${n}`);
  if (n < 0x80) return Buffer.from([n]);
  const octets: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) octets.unshift(v & 0xff);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

export function derTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

export const derSequence = (...items: Buffer[]) => derTlv(TAG.sequence, Buffer.concat(items));
export const derSet = (...items: Buffer[]) => derTlv(TAG.set, Buffer.concat(items));
export const derUtf8String = (s: string) => derTlv(TAG.utf8String, Buffer.from(s, 'utf8'));
/** A BIT STRING of whole octets: the first content octet says 0 unused bits (X.690 §8.6.2). */
export const derBitString = (bytes: Buffer) => derTlv(TAG.bitString, Buffer.concat([Buffer.from([0]), bytes]));
/** [n] IMPLICIT, constructed (context-specific class, X.690 §8.1.2). */
export const derContext = (n: number, content: Buffer) => derTlv(0xa0 | n, content);

/** A non-negative INTEGER small enough for one octet (versions). */
export function derSmallInteger(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 127) throw new RangeError(`integer ${n} out of range`);
  return derTlv(TAG.integer, Buffer.from([n]));
}

/** An OBJECT IDENTIFIER from dotted form: first two arcs in one octet, then base-128 arcs (X.690 §8.19). */
export function derOid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => {
    if (!/^\d+$/.test(a)) throw new Error(`bad OID "${dotted}"`);
    return Number(a);
  });
  if (arcs.length < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39) || arcs.some((a) => !Number.isSafeInteger(a)))
    throw new Error(`bad OID "${dotted}"`);
  const out: number[] = [];
  for (const arc of [arcs[0] * 40 + arcs[1], ...arcs.slice(2)]) {
    const septets = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) septets.unshift((v & 0x7f) | 0x80);
    out.push(...septets);
  }
  return derTlv(TAG.oid, Buffer.from(out));
}
