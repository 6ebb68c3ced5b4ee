// Seeded pseudo-random generator for property tests (mulberry32): same seed, same cases.

export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  range(min: number, maxInclusive: number): number {
    return min + this.int(maxInclusive - min + 1);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A copy of `b` with a few random edits: flips, overwrites, truncation, insertion. */
  mutate(b: Uint8Array): Uint8Array {
    let out: Uint8Array = Uint8Array.from(b);
    const edits = 1 + this.int(4);
    for (let i = 0; i < edits; i++) out = this.mutateOnce(out);
    return out;
  }

  /** Splits bytes into random chunks (some empty), for streaming parsers. */
  chunks(b: Uint8Array, maxChunk = 16): Uint8Array[] {
    const out: Uint8Array[] = [];
    let off = 0;
    while (off < b.length) {
      const n = this.int(maxChunk + 1);
      out.push(b.subarray(off, off + n));
      off += n;
    }
    return out;
  }

  private mutateOnce(b: Uint8Array): Uint8Array {
    if (b.length === 0) return this.bytes(1 + this.int(8));
    const at = this.int(b.length);
    switch (this.int(5)) {
      case 0: {
        const c = Uint8Array.from(b);
        c[at] ^= 1 << this.int(8);
        return c;
      }
      case 1: {
        const c = Uint8Array.from(b);
        c[at] = this.pick([0, 0xff, 0x7f, 0x80, this.int(256)]);
        return c;
      }
      case 2:
        return b.slice(0, at);
      case 3:
        return Uint8Array.from([...b.subarray(0, at), ...this.bytes(1 + this.int(4)), ...b.subarray(at)]);
      default:
        return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1 + this.int(3))]);
    }
  }
}
