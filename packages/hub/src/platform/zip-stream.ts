import { crc32, createDeflateRaw } from 'node:zlib';
import type { Readable } from 'node:stream';

// A streaming ZIP writer (APPNOTE.TXT 6.3.10): each entry is a local header, its deflated data
// and a data descriptor (general purpose flag bit 3: sizes and CRC follow the data, so nothing
// is buffered), then the central directory. No ZIP64: callers keep entries and the whole archive
// under 4 GiB (the pull spool quota does).

export interface ZipEntry {
  name: string;
  /** Opened only when the writer reaches the entry. */
  open(): Readable | Promise<Readable>;
  mtime: Date;
}

const FLAGS = 0x0808; // bit 3: data descriptor; bit 11: the name is UTF-8
const DEFLATE = 8;
const LIMIT = 0xffff_ffff;

function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(d.getUTCFullYear(), 1980);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function localHeader(name: Buffer, t: { time: number; date: number }): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(FLAGS, 6);
  h.writeUInt16LE(DEFLATE, 8);
  h.writeUInt16LE(t.time, 10);
  h.writeUInt16LE(t.date, 12);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

interface Written {
  name: Buffer;
  t: { time: number; date: number };
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

function centralEntry(w: Written): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(0x0314, 4); // made by: Unix, 2.0
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(FLAGS, 8);
  h.writeUInt16LE(DEFLATE, 10);
  h.writeUInt16LE(w.t.time, 12);
  h.writeUInt16LE(w.t.date, 14);
  h.writeUInt32LE(w.crc, 16);
  h.writeUInt32LE(w.compressed, 20);
  h.writeUInt32LE(w.size, 24);
  h.writeUInt16LE(w.name.length, 28);
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // a regular file, rw-r--r--
  h.writeUInt32LE(w.offset, 42);
  return Buffer.concat([h, w.name]);
}

/** The archive of `entries`, produced as it is read: memory stays at one deflate window. */
export async function* zipStream(entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>): AsyncGenerator<Buffer> {
  const written: Written[] = [];
  let offset = 0;
  for await (const e of entries) {
    const name = Buffer.from(e.name.replace(/^\/+/, ''), 'utf8');
    const t = dosTime(e.mtime);
    const header = localHeader(name, t);
    const w: Written = { name, t, crc: 0, compressed: 0, size: 0, offset };
    yield header;
    offset += header.length;
    // Level 1: logs still shrink several-fold, and the archive streams at link speed rather than CPU speed.
    const deflate = createDeflateRaw({ level: 1 });
    const source = await e.open();
    source.on('data', (c: Buffer) => {
      w.crc = crc32(c, w.crc);
      w.size += c.length;
    });
    source.on('error', (err) => deflate.destroy(err));
    source.pipe(deflate);
    for await (const c of deflate) {
      w.compressed += (c as Buffer).length;
      yield c as Buffer;
    }
    if (w.size > LIMIT || w.compressed > LIMIT) throw new Error(`${e.name} is too large for a ZIP without ZIP64`);
    const dd = Buffer.alloc(16);
    dd.writeUInt32LE(0x08074b50, 0);
    dd.writeUInt32LE(w.crc >>> 0, 4);
    dd.writeUInt32LE(w.compressed, 8);
    dd.writeUInt32LE(w.size, 12);
    yield dd;
    offset += w.compressed + dd.length;
    written.push(w);
  }
  const central = Buffer.concat(written.map(centralEntry));
  if (offset > LIMIT || written.length > 0xffff) throw new Error('the archive is too large for a ZIP without ZIP64');
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(written.length, 8);
  end.writeUInt16LE(written.length, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(offset, 16);
  yield central;
  yield end;
}
