import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDnp3Application } from './dnp3-app.parser.js';
import { analogOutputObject, apdu, commandApdu, crobObject, statusResponse } from './dnp3.fixture.js';

// Values of DNP3 commands and responses (IEEE 1815-2012 Annex A g12v1, g41, g40, g30, g1, g10).

const parse = (frag: number[]) => parseDnp3Application(Uint8Array.from(frag));

test('CROB g12v1: op type, trip-close code, count and on/off times, and the state it drives the point to', () => {
  const cases: Array<[number, string, number | undefined]> = [
    [0x03, 'latch_on', 1],
    [0x04, 'latch_off', 0],
    [0x41, 'close_pulse_on', 1],
    [0x81, 'trip_pulse_on', 0],
    [0x00, 'nul', undefined],
    [0x23, 'latch_on+clear', 1],
  ];
  for (const [code, name, value] of cases) {
    const app = parse(commandApdu(1, 5, 12, 1, 7, crobObject(code, 3, 250, 500)));
    assert.equal(app.class, 'control');
    assert.deepEqual(app.points, [
      {
        group: 12,
        variation: 1,
        table: 'coil',
        index: 7,
        ...(value !== undefined ? { value } : {}),
        crob: { code, name, count: 3, onMs: 250, offMs: 500 },
      },
    ]);
  }
});

test('analog output blocks g41v1-v4: int32, int16, float32 and double set-points at their index', () => {
  const cases: Array<[number, number]> = [
    [1, -123456],
    [2, -1234],
    [3, 12.5],
    [4, 1234.0625],
  ];
  for (const [variation, value] of cases) {
    for (const fc of [3, 4, 5, 6]) {
      const app = parse(commandApdu(2, fc, 41, variation, 300, analogOutputObject(variation, value)));
      assert.deepEqual(app.points, [{ group: 41, variation, table: 'holding', index: 300, value }], `g41v${variation}`);
      assert.deepEqual(app.ranges, [{ table: 'holding', start: 300, count: 1, access: 'write' }]);
    }
  }
});

test('several objects under one header, with 8-bit index prefixes (qualifier 0x17)', () => {
  const frag = [0xc1, 3, 41, 2, 0x17, 2, 4, ...analogOutputObject(2, 10), 9, ...analogOutputObject(2, -20)];
  assert.deepEqual(
    parse(frag).points?.map((p) => [p.index, p.value]),
    [
      [4, 10],
      [9, -20],
    ],
  );
});

test('responses report analog inputs, analog output status and binary states; reads carry no values', () => {
  assert.deepEqual(
    parse(statusResponse(1, 40, 3, 5, [1.5, 2.5])).points?.map((p) => [p.table, p.index, p.value]),
    [
      ['holding', 5, 1.5],
      ['holding', 6, 2.5],
    ],
  );
  assert.deepEqual(
    parse(apdu.response(3)).points?.map((p) => [p.table, p.index, p.value]),
    [
      ['input', 0, 10],
      ['input', 1, 20],
    ],
  );
  // g1v2 (flags, state in bit 7) and g10v1 (packed bits) over start-stop ranges.
  const binary = [0xc0, 129, 0, 0, 1, 2, 0x00, 2, 3, 0x81, 0x01, 10, 1, 0x00, 0, 9, 0b0000_0101, 0b10];
  assert.deepEqual(
    parse(binary).points?.map((p) => `${p.table}:${p.index}=${p.value}`),
    ['discrete:2=1', 'discrete:3=0', 'coil:0=1', 'coil:1=0', 'coil:2=1', 'coil:3=0', 'coil:4=0', 'coil:5=0'].concat([
      'coil:6=0',
      'coil:7=0',
      'coil:8=0',
      'coil:9=1',
    ]),
  );
  assert.equal(parse(apdu.readAnalogs(1, 0, 9)).points, undefined);
});

test('a truncated command yields no values (malformed), a WRITE carries none', () => {
  const full = commandApdu(1, 5, 41, 1, 0, analogOutputObject(1, 5));
  const cut = parse(full.slice(0, full.length - 2));
  assert.equal(cut.class, 'malformed');
  assert.equal(cut.points, undefined);
  assert.equal(parse(apdu.writeTime(1)).points, undefined);
});
