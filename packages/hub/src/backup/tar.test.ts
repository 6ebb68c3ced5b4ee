import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSafeEntryName, readTar, TAR_END, tarHeader, tarPadding, TarError } from './tar.js';

function archive(...entries: Array<[string, Buffer]>): Buffer {
  const parts = entries.flatMap(([name, data]) => [tarHeader(name, data.length), data, tarPadding(data.length)]);
  return Buffer.concat([...parts, TAR_END]);
}

async function* chunked(buf: Buffer, size = 700): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function readAll(buf: Buffer): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const e of readTar(chunked(buf))) {
    const parts: Buffer[] = [];
    for await (const c of e.body) parts.push(c);
    out.push([e.name, Buffer.concat(parts).toString()]);
  }
  return out;
}

describe('backup tar format', () => {
  it('reads back what it wrote, across chunk boundaries, empty entries included', async () => {
    const big = 'x'.repeat(5000);
    const tar = archive(
      ['a.txt', Buffer.from('hello')],
      ['data/empty', Buffer.alloc(0)],
      ['data/pki/big', Buffer.from(big)],
    );
    assert.deepEqual(await readAll(tar), [
      ['a.txt', 'hello'],
      ['data/empty', ''],
      ['data/pki/big', big],
    ]);
  });

  it('is read by the ustar layout other tools use: magic, octal size, checksum', () => {
    const h = tarHeader('data/outpost.db', 1234, { mode: 0o600 });
    assert.equal(h.length, 512);
    assert.equal(h.toString('ascii', 257, 263), 'ustar\0');
    assert.equal(h.toString('ascii', 124, 135), (1234).toString(8).padStart(11, '0'));
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
    assert.equal(parseInt(h.toString('ascii', 148, 154), 8), sum);
  });

  it('writes sizes past 8 GiB in base-256 and reads them back', async () => {
    const size = 9 * 1024 ** 3;
    const h = tarHeader('data/artifacts/huge', size);
    assert.equal(h[124], 0x80);
    const gen = readTar(chunked(h));
    const first = await gen.next();
    assert.equal(first.done, false);
    assert.equal(first.value && first.value.size, size);
    // Only the header is there: reading the body finds the archive cut short.
    await assert.rejects(
      (async () => {
        for await (const _ of first.value!.body);
      })(),
      /archive ends inside data\/artifacts\/huge/,
    );
  });

  it('refuses names that could leave the target directory or are not plain', () => {
    for (const bad of ['../kek', '/etc/passwd', 'data/../../x', 'data//x', 'data/./x', 'a\\b', '', 'x'.repeat(101)])
      assert.equal(isSafeEntryName(bad), false, bad);
    assert.throws(() => tarHeader('../kek', 1), TarError);
    assert.equal(isSafeEntryName('data/recordings/2026-12/acs_1.cast'), true);
  });

  it('refuses a damaged header, a link, a traversal and a missing end marker', async () => {
    const good = archive(['data/a', Buffer.from('abc')]);
    const flipped = Buffer.from(good);
    flipped[3] ^= 1;
    await assert.rejects(readAll(flipped), /header checksum mismatch/);

    const link = Buffer.from(good);
    link.write('2', 156, 'ascii'); // symbolic link
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : link[i];
    link.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    await assert.rejects(readAll(link), /is not a regular file/);

    const traversal = Buffer.from(good);
    traversal.write('../a\0\0', 0, 'utf8');
    sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : traversal[i];
    traversal.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    await assert.rejects(readAll(traversal), /entry name not allowed/);

    await assert.rejects(readAll(good.subarray(0, good.length - 1024)), /archive ends inside a header/);
    await assert.rejects(readAll(good.subarray(0, 600)), /archive ends inside data\/a/);
  });
});
