import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../shared/prng.fixture.js';
import { TpktReassembler } from './tpkt.reassembler.js';
import { TpktFramer } from './tpkt.framer.js';
import { mmsClientUnit } from './mms-request.js';
import { MmsGuard } from './mms.guard.js';
import { BREAKER_OPER, PICKUP, SWITCH_SBOW, feederPolicy, mmsFrame, req } from './mms-policy.fixture.js';
import { mms } from './mms.fixture.js';

// Mutated MMS requests never crash the MMS guard's reading or deciding, and the framer never
// holds more than one TPKT (seeded: the same run every time).

const ROUNDS = 3000;

test('mutated client PDUs: read, decided or refused as malformed, never a throw', () => {
  const rnd = new Prng(61850);
  const guard = new MmsGuard({ policy: feederPolicy(), deviceId: 'ied-7' });
  const valid = [
    req.read(1),
    req.operate(2, BREAKER_OPER),
    req.operate(3, SWITCH_SBOW),
    req.setting(4, 450),
    mms.writeRequest(
      5,
      [PICKUP, 'Vmd'],
      [
        [0x87, 5, 8, 0, 0, 0, 0],
        [0xa2, 0],
      ],
    ),
  ].map(mmsFrame);
  const kinds = { request: 0, session: 0, malformed: 0 };
  for (let i = 0; i < ROUNDS; i++) {
    const frame = Uint8Array.from(valid[i % valid.length]);
    const flips = 1 + Math.floor(rnd.next() * 4);
    for (let k = 0; k < flips; k++) frame[Math.floor(rnd.next() * frame.length)] = Math.floor(rnd.next() * 256);
    for (const item of new TpktReassembler().push(frame)) {
      const unit = mmsClientUnit(item);
      kinds[unit.kind]++;
      if (unit.kind === 'request') {
        const d = guard.inspect(unit.request, { master: 'm', nowMs: i }).decision;
        assert.ok(['allow', 'block'].includes(d.action));
      }
    }
  }
  assert.ok(kinds.request > 0 && kinds.malformed > 0, JSON.stringify(kinds));
});

test('the framer holds at most one partial TPKT and stops at the first framing error', () => {
  const rnd = new Prng(102);
  const framer = new TpktFramer();
  const stream = Uint8Array.from([...mmsFrame(req.read(1)), ...mmsFrame(req.setting(2, 100))]);
  let at = 0;
  let frames = 0;
  while (at < stream.length) {
    const n = 1 + Math.floor(rnd.next() * 7);
    frames += framer.push(stream.subarray(at, at + n)).frames.length;
    assert.ok(framer.buffered <= 0xffff);
    at += n;
  }
  assert.equal(frames, 2);
  assert.equal(framer.push(Uint8Array.from([0x47, 0x45, 0x54, 0x20])).error, 'tpkt_bad_version');
  assert.equal(framer.buffered, 0);
  assert.equal(framer.push(mmsFrame(req.read(3))).error, 'tpkt_after_error');
});
