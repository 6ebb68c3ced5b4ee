import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGoose } from './goose.decoder.js';
import { data, gooseApdu, intOctets, text, tlv } from './iec61850.fixture.js';
import { goose } from './iec61850-capture.fixture.js';

test('decodes every goosePdu field and the data set', () => {
  const r = decodeGoose(Uint8Array.from(gooseApdu(goose(7, 3, true, { simulation: true, ndsCom: true }))));
  assert.ok(r.ok);
  const { allData, ...header } = r.goose;
  assert.deepEqual(header, {
    appId: 1,
    length: r.goose.length,
    simulatedBit: false,
    gocbRef: 'IED1LD0/LLN0$GO$gcbTrip',
    timeAllowedToLive: 2000,
    datSet: 'IED1LD0/LLN0$dsTrip',
    goId: 'IED1_Trip',
    t: '2026-11-30T00:53:27.500000000Z',
    stNum: 7,
    sqNum: 3,
    simulation: true,
    confRev: 3,
    ndsCom: true,
    numDatSetEntries: 5,
  });
  assert.deepEqual(allData.slice(0, 4), [
    { type: 'boolean', value: true },
    { type: 'bit-string', bits: '0000000000000' },
    { type: 'utc-time', value: '2026-11-30T00:53:27.250000000Z', quality: 0x0a },
    { type: 'integer', value: -7 },
  ]);
  assert.equal(allData[4].type, 'float');
  assert.ok(allData[4].type === 'float' && Math.abs(allData[4].value - 49.98) < 1e-4);
});

test('counters with the top bit set read unsigned; Ethernet padding after the APDU is ignored', () => {
  const apdu = gooseApdu(goose(0xffffffff, 0x80000000, false));
  const r = decodeGoose(Uint8Array.from([...apdu, 0, 0, 0, 0]));
  assert.ok(r.ok);
  assert.equal(r.goose.stNum, 0xffffffff);
  assert.equal(r.goose.sqNum, 0x80000000);
});

test('refuses a PDU that is not GOOSE or lacks a required field, naming why', () => {
  const body = (fields: number[][]) => {
    const pdu = tlv(0x61, ...fields);
    return Uint8Array.from([0, 1, 0, 8 + pdu.length, 0, 0, 0, 0, ...pdu]);
  };
  const full = [
    tlv(0x80, text('a')),
    tlv(0x81, intOctets(1)),
    tlv(0x82, text('d')),
    tlv(0x84, new Array(8).fill(0)),
    tlv(0x85, [1]),
    tlv(0x86, [1]),
    tlv(0x88, [1]),
    tlv(0x8a, [1]),
    tlv(0xab, data.boolean(true)),
  ];
  assert.equal(decodeGoose(body(full)).ok, true);
  assert.deepEqual(decodeGoose(body(full.filter((_, i) => i !== 4))), { ok: false, reason: 'goose_missing_field_5' });
  assert.deepEqual(decodeGoose(body([...full, tlv(0x85, [2])])), { ok: false, reason: 'goose_duplicate_field' });
  assert.deepEqual(decodeGoose(body([...full.slice(0, 4), tlv(0x85, []), ...full.slice(5)])), {
    ok: false,
    reason: 'goose_bad_integer',
  });
  assert.deepEqual(decodeGoose(Uint8Array.from([0, 1, 0, 12, 0, 0, 0, 0, 0x62, 2, 0x80, 0])), {
    ok: false,
    reason: 'goose_not_goose_pdu',
  });
  assert.deepEqual(decodeGoose(Uint8Array.from([0, 1, 0, 4, 0, 0, 0, 0])), { ok: false, reason: 'goose_bad_length' });
  assert.deepEqual(decodeGoose(Uint8Array.from([0, 1, 0])), { ok: false, reason: 'goose_truncated_header' });
});

test('data nested deeper than the bound is refused without exhausting the stack', () => {
  let nested = data.boolean(true);
  for (let i = 0; i < 5000; i++)
    nested = [
      0xa2,
      0x84,
      (nested.length >>> 24) & 0xff,
      (nested.length >> 16) & 0xff,
      (nested.length >> 8) & 0xff,
      nested.length & 0xff,
      ...nested,
    ];
  const r = decodeGoose(Uint8Array.from(gooseApdu({ ...goose(1, 1, false), allData: [nested] })));
  assert.deepEqual(r, { ok: false, reason: 'mms_data_too_deep' });
});
