import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { crc32, inflateRawSync } from 'node:zlib';
import { zipStream } from './zip-stream.js';

/** Reads a ZIP through its central directory, the way unzip does, and inflates each entry. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(p), 0x02014b50);
    const [crc, csize, size] = [zip.readUInt32LE(p + 16), zip.readUInt32LE(p + 20), zip.readUInt32LE(p + 24)];
    const nameLen = zip.readUInt16LE(p + 28);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    assert.equal(zip.readUInt32LE(local), 0x04034b50);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = inflateRawSync(zip.subarray(start, start + csize));
    assert.equal(data.length, size, name);
    assert.equal(crc32(data) >>> 0, crc, name);
    out.set(name, data);
    p += 46 + nameLen;
  }
  return out;
}

test('the archive holds every entry with its CRC and sizes, whatever the chunking of the sources', async () => {
  const big = Buffer.alloc(300_000, 'log line\n');
  const entries = [
    {
      name: 'dev-a/logs/syslog',
      mtime: new Date('2026-12-07T10:00:00Z'),
      open: () => Readable.from([big.subarray(0, 7), big.subarray(7)]),
    },
    { name: 'dev-b/logs/empty.log', mtime: new Date('2026-12-07T10:00:00Z'), open: () => Readable.from([]) },
    { name: 'status.json', mtime: new Date(), open: () => Readable.from([Buffer.from('{"ok":true}')]) },
  ];
  const chunks: Buffer[] = [];
  for await (const c of zipStream(entries)) chunks.push(c);
  const files = unzip(Buffer.concat(chunks));
  assert.deepEqual([...files.keys()], ['dev-a/logs/syslog', 'dev-b/logs/empty.log', 'status.json']);
  assert.deepEqual(files.get('dev-a/logs/syslog'), big);
  assert.equal(files.get('dev-b/logs/empty.log')!.length, 0);
  assert.equal(files.get('status.json')!.toString(), '{"ok":true}');
});

test('a source that fails fails the archive instead of writing a short entry', async () => {
  const broken = () => {
    const r = new Readable({ read() {} });
    process.nextTick(() => r.destroy(new Error('disk gone')));
    return r;
  };
  await assert.rejects(async () => {
    for await (const _ of zipStream([{ name: 'x', mtime: new Date(), open: broken }])) void _;
  }, /disk gone/);
});
