// The few parts of POSIX ustar (IEEE 1003.1-2001, pax "ustar Interchange Format") a hub backup
// needs: regular files only, names up to 100 bytes, sizes past 8 GiB in the base-256 form GNU tar
// reads. The reader is strict (checksums, types, names, end marker) because it reads files that
// came from elsewhere; it hands out each entry's body as a stream, so memory stays bounded.

const BLOCK = 512;
const NAME_MAX = 100;
const OCTAL_SIZE_MAX = 8 ** 11 - 1; // 11 octal digits
// Relative, forward slashes, no empty, "." or ".." segment, a conservative character set.
const SAFE_NAME = /^(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

export class TarError extends Error {
  readonly code = 'corrupt_archive';
}

/** Whether `name` may appear in an archive: relative, no traversal, plain characters. */
export function isSafeEntryName(name: string): boolean {
  return name.length <= NAME_MAX && SAFE_NAME.test(name);
}

function octal(buf: Buffer, offset: number, width: number, value: number): void {
  buf.write(value.toString(8).padStart(width - 1, '0') + '\0', offset, width, 'ascii');
}

/** The 512-byte header of a regular file. */
export function tarHeader(name: string, size: number, opts: { mode?: number; mtimeS?: number } = {}): Buffer {
  if (!isSafeEntryName(name)) throw new TarError(`entry name not allowed in an archive: ${JSON.stringify(name)}`);
  if (!Number.isSafeInteger(size) || size < 0) throw new TarError(`bad entry size ${size}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, NAME_MAX, 'utf8');
  octal(h, 100, 8, opts.mode ?? 0o600);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  if (size <= OCTAL_SIZE_MAX) octal(h, 124, 12, size);
  else {
    h[124] = 0x80; // base-256: high bit set, big-endian value in the remaining 11 bytes
    h.writeBigUInt64BE(BigInt(size), 128);
  }
  octal(h, 136, 12, Math.floor(opts.mtimeS ?? 0));
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  h.write('0', 156, 1, 'ascii'); // regular file
  h.write('ustar\u000000', 257, 8, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

/** Zero bytes that bring an entry of `size` bytes to a block boundary. */
export function tarPadding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** Two zero blocks end an archive. */
export const TAR_END = Buffer.alloc(2 * BLOCK);

export interface TarEntry {
  name: string;
  size: number;
  mode: number;
  /** The entry's bytes; must be read to the end before the next entry. */
  body: AsyncGenerator<Buffer>;
}

// Reads exact byte counts from an async stream of chunks.
class ByteReader {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(): Promise<boolean> {
    const next = await this.source.next();
    if (next.done) return false;
    this.pending = this.pending.length ? Buffer.concat([this.pending, next.value]) : next.value;
    return true;
  }

  async exactly(n: number, what: string): Promise<Buffer> {
    while (this.pending.length < n) if (!(await this.fill())) throw new TarError(`archive ends inside ${what}`);
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    return out;
  }

  async *chunks(n: number, what: string): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.pending.length === 0 && !(await this.fill())) throw new TarError(`archive ends inside ${what}`);
      const take = Math.min(left, this.pending.length);
      const out = this.pending.subarray(0, take);
      this.pending = this.pending.subarray(take);
      left -= take;
      yield out;
    }
  }
}

function readOctal(h: Buffer, offset: number, width: number, field: string): number {
  const text = h
    .subarray(offset, offset + width)
    .toString('ascii')
    .replace(/[\0 ]+$/, '')
    .replace(/^ +/, '');
  if (!/^[0-7]+$/.test(text)) throw new TarError(`bad ${field} field in a header`);
  return parseInt(text, 8);
}

function readSize(h: Buffer): number {
  if (h[124] !== 0x80) return readOctal(h, 124, 12, 'size');
  if (h.readUInt32BE(124) !== 0x80000000) throw new TarError('entry size out of range');
  const size = h.readBigUInt64BE(128);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new TarError('entry size out of range');
  return Number(size);
}

function parseHeader(h: Buffer): { name: string; size: number; mode: number } {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  if (readOctal(h, 148, 8, 'checksum') !== sum) throw new TarError('header checksum mismatch');
  if (h.toString('ascii', 257, 262) !== 'ustar') throw new TarError('not a ustar header');
  const type = h.toString('ascii', 156, 157);
  if (type !== '0' && type !== '\0') throw new TarError(`entry type ${JSON.stringify(type)} is not a regular file`);
  if (h[345] !== 0) throw new TarError('long names (ustar prefix) are not used by hub backups');
  const end = h.indexOf(0, 0);
  const name = h.toString('utf8', 0, end === -1 || end > NAME_MAX ? NAME_MAX : end);
  if (!isSafeEntryName(name)) throw new TarError(`entry name not allowed: ${JSON.stringify(name)}`);
  return { name, size: readSize(h), mode: readOctal(h, 100, 8, 'mode') & 0o777 };
}

/** The entries of an uncompressed tar stream, in order; throws TarError on anything malformed. */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  for (;;) {
    const h = await reader.exactly(BLOCK, 'a header');
    if (h.every((b) => b === 0)) {
      const second = await reader.exactly(BLOCK, 'the end marker');
      if (!second.every((b) => b === 0)) throw new TarError('a zero block not followed by the end marker');
      return;
    }
    const { name, size, mode } = parseHeader(h);
    let consumed = false;
    const body = (async function* () {
      yield* reader.chunks(size, name);
      consumed = true;
    })();
    yield { name, size, mode, body };
    if (!consumed) throw new TarError(`entry ${name} was not read to its end`);
    const pad = tarPadding(size).length;
    if (pad) await reader.exactly(pad, `${name}'s padding`);
  }
}
