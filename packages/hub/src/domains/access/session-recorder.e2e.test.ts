import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAsciicastRecorder, parseAsciicast } from './session-recorder.js';
import { createPcapRecorder } from './tcp-capture.js';

const dir = () => mkdtempSync(join(tmpdir(), 'outpost-rec-'));

describe('session recordings', () => {
  it('writes asciicast v2 that keeps UTF-8 split across chunks whole, with resizes', async () => {
    let now = 1_700_000_000_000;
    const path = join(dir(), 's.cast');
    const rec = createAsciicastRecorder(path, { title: 'alice on gw-1 console', startedAtMs: now, now: () => now });
    rec.opened(1, { cols: 100, rows: 30 });
    const bytes = Buffer.from('prompt> €uro ✓\r\n', 'utf8');
    rec.fromDevice(1, bytes.subarray(0, 9)); // cuts "€" (3 bytes) in two
    now += 1500;
    rec.fromDevice(1, bytes.subarray(9));
    rec.toDevice(1, Buffer.from('secret-password\r'));
    rec.resize(120, 40);
    const r = await rec.finish();
    const text = readFileSync(path, 'utf8');
    const cast = parseAsciicast(text);
    assert.deepEqual([cast.header.version, cast.header.width, cast.header.height], [2, 100, 30]);
    assert.equal(cast.output, bytes.toString('utf8'));
    assert.ok(cast.events.some((e) => e[1] === 'r' && e[2] === '120x40'));
    assert.ok(cast.events.some((e) => e[0] === 1.5));
    assert.ok(!text.includes('secret-password'), 'keystrokes must not be recorded');
    assert.match(r.sha256, /^[0-9a-f]{64}$/);
    assert.equal(r.bytes, Buffer.byteLength(text));
  });

  it(
    'writes TCP sessions as a pcap that tshark dissects as Modbus',
    { skip: spawnSync('sh', ['-c', 'command -v tshark']).status !== 0 && 'tshark is not installed' },
    async () => {
      const path = join(dir(), 's.pcap');
      const rec = createPcapRecorder(path, { serverPort: 502, now: () => 1_700_000_000_123 });
      rec.opened(1, null);
      rec.toDevice(1, Uint8Array.from([0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2]));
      rec.fromDevice(1, Uint8Array.from([0, 1, 0, 0, 0, 7, 1, 3, 4, 0, 100, 0, 101]));
      rec.opened(2, null);
      rec.toDevice(2, Uint8Array.from([0, 2, 0, 0, 0, 6, 1, 6, 0, 5, 0, 42]));
      rec.closed(1);
      rec.closed(2);
      await rec.finish();
      const out = spawnSync(
        'tshark',
        [
          '-r',
          path,
          '-Y',
          'modbus',
          '-T',
          'fields',
          '-e',
          'tcp.stream',
          '-e',
          'mbtcp.trans_id',
          '-e',
          'modbus.func_code',
        ],
        { encoding: 'utf8' },
      );
      assert.equal(out.status, 0, out.stderr);
      const rows = out.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t'));
      assert.deepEqual(rows, [
        ['0', '1', '3'],
        ['0', '1', '3'],
        ['1', '2', '6'],
      ]);
    },
  );
});
