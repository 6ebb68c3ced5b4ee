import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectCapture, inspectCaptureStream } from './capture.inspector.js';
import { capture } from './capture.fixture.js';
import { mbap, req } from '../modbus/modbus.fixture.js';
import { apdu, fragmentFrames, MASTER } from '../dnp3/dnp3.fixture.js';
import { enforceReadOnly } from '../policy/policy.fixture.js';
import type { InspectionRow } from './capture-row.types.js';

const M = { src: '10.0.0.5', dst: '10.0.0.9', sport: 40000, dport: 20000 };

test('a run of DNP3 junk is one row, not one per two octets', () => {
  const junk = new Array<number>(4000).fill(0).map((_, i) => (i % 2 === 0 ? 0x05 : 0x64));
  const frame = [...fragmentFrames(MASTER, apdu.readClasses(1))[0]];
  const rows = inspectCapture(
    capture([
      { ...M, seq: 1, payload: junk },
      { ...M, seq: 4001, payload: junk },
      { ...M, seq: 8001, payload: frame },
    ]),
    { policy: enforceReadOnly() },
  ).rows;
  assert.deepEqual(
    rows.map((r) => [r.frame, r.malformed, r.count, r.bytes, r.lastFrame, r.fc]),
    [
      // The last pair is held until the next segment shows it is no frame either.
      [1, 'header_crc', 4000, 8000, 3, undefined],
      [3, undefined, undefined, 27, undefined, 1],
    ],
  );
  assert.equal(rows[0].decision?.reason, 'malformed:header_crc');
});

test('rows stream one at a time, and the summary counts them', () => {
  const seen: InspectionRow[] = [];
  const summary = inspectCaptureStream(
    capture([
      {
        src: '10.0.0.5',
        dst: '10.0.0.9',
        sport: 40000,
        dport: 502,
        payload: mbap(1, 1, req.writeRegisters(7, [1, 2])),
      },
      { ...M, payload: [...fragmentFrames(MASTER, apdu.directOperate(2, 17))[0]] },
    ]),
    {},
    (r) => void seen.push(r),
  );
  assert.deepEqual(summary, { format: 'pcap', packets: 2, rows: 2 });
  // Written values and DNP3 object headers are part of the row.
  assert.deepEqual(seen[0].values, [1, 2]);
  assert.deepEqual(seen[1].objects, [{ group: 12, variation: 1, qualifier: 0x28, count: 1, start: 17, stop: 17 }]);
});
