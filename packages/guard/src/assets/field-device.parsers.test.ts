import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modbusDeviceIdentificationRequest, parseModbusDeviceIdentification } from './modbus-device-id.parser.js';
import { parseDnp3DeviceAttributes } from './dnp3-device-attributes.parser.js';
import { Prng } from '../shared/prng.fixture.js';

const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const obj = (id: number, s: string) => [id, s.length, ...ascii(s)];

test('Modbus Read Device Identification: standard and private objects', () => {
  const pdu = Uint8Array.from([
    0x2b,
    0x0e,
    0x02,
    0x02,
    0x00,
    0x00,
    4,
    ...obj(0, 'Acme Controls'),
    ...obj(1, 'AC-500'),
    ...obj(2, 'v2.3.1'),
    ...obj(0x81, 'rack 7'),
  ]);
  assert.deepEqual(parseModbusDeviceIdentification(pdu), {
    ok: true,
    identity: { vendor: 'Acme Controls', productCode: 'AC-500', revision: 'v2.3.1', other: { '0x81': 'rack 7' } },
    moreFollows: false,
    nextObjectId: 0,
  });
  assert.deepEqual([...modbusDeviceIdentificationRequest(1)], [0x2b, 0x0e, 0x01, 0x00]);
});

test('Modbus identification that does not add up is refused with the reason', () => {
  const cases: Array<[number[], string]> = [
    [[0x2b, 0x0d, 1, 1, 0, 0, 0], 'not_device_identification'],
    [[0x2b, 0x0e, 1, 1, 0], 'pdu_length'],
    [[0x2b, 0x0e, 1, 1, 0x12, 0, 0], 'more_follows'],
    [[0x2b, 0x0e, 1, 1, 0, 0, 2, ...obj(0, 'x')], 'object_list'],
    [[0x2b, 0x0e, 1, 1, 0, 0, 1, 0, 9, 0x41], 'object_list'],
    [[0x2b, 0x0e, 1, 1, 0, 0, 0, 0xee], 'object_list'],
  ];
  for (const [bytes, reason] of cases)
    assert.deepEqual(parseModbusDeviceIdentification(Uint8Array.from(bytes)), { ok: false, reason });
});

// A response fragment: application control, function 0x81, IIN, then objects.
const g0 = (variation: number, type: number, value: number[]) => [
  0,
  variation,
  0x00,
  0,
  0,
  type,
  value.length,
  ...value,
];

test('DNP3 group 0 device attributes built by hand', () => {
  const frag = Uint8Array.from([
    0xc3,
    0x81,
    0x00,
    0x00,
    ...g0(252, 1, ascii('Acme Controls')),
    ...g0(250, 1, ascii('RTU-9000')),
    ...g0(242, 1, ascii('4.2.0')),
    ...g0(243, 1, ascii('B')),
    ...g0(246, 1, ascii('feeder-12')),
    ...g0(247, 1, ascii('Substation North RTU')),
    ...g0(240, 2, [0x00, 0x08]),
    // A group 1 object after the attributes ends the walk.
    1,
    2,
    0x00,
    0,
    0,
    0x81,
  ]);
  assert.deepEqual(parseDnp3DeviceAttributes(frag), {
    ok: true,
    identity: {
      vendor: 'Acme Controls',
      productName: 'RTU-9000',
      revision: '4.2.0',
      hardwareRevision: 'B',
      userId: 'feeder-12',
      deviceName: 'Substation North RTU',
      other: { g0v240: '2048' },
    },
  });
});

test('DNP3 attributes that do not add up are refused with the reason', () => {
  const cases: Array<[number[], string]> = [
    [[0xc3, 0x01, 0, 0, ...g0(242, 1, ascii('1'))], 'not_a_response'],
    [[0xc3, 0x81, 0, 0, 0, 242, 0x00, 0, 0, 1, 9, 0x41], 'g0_truncated'],
    [[0xc3, 0x81, 0, 0, 0, 242, 0x5b, 1], 'g0_bad_range'],
    [[0xc3, 0x81, 0, 0, 1, 2, 0x00, 0, 0, 0x81], 'no_device_attributes'],
  ];
  for (const [bytes, reason] of cases)
    assert.deepEqual(parseDnp3DeviceAttributes(Uint8Array.from(bytes)), { ok: false, reason });
  const long = parseDnp3DeviceAttributes(Uint8Array.from([0xc3, 0x81, 0, 0, ...g0(247, 1, new Array(250).fill(0x41))]));
  assert.ok(long.ok && long.identity.deviceName?.length === 128);
});

test('random and mutated identification replies never throw', () => {
  const rng = new Prng(43);
  const modbus = Uint8Array.from([0x2b, 0x0e, 1, 1, 0, 0, 2, ...obj(0, 'Acme'), ...obj(2, '1.0')]);
  const dnp3 = Uint8Array.from([0xc3, 0x81, 0, 0, ...g0(242, 1, ascii('1.0')), ...g0(252, 1, ascii('Acme'))]);
  for (let i = 0; i < 5000; i++) {
    const m = parseModbusDeviceIdentification(rng.int(4) === 0 ? rng.bytes(rng.int(40)) : rng.mutate(modbus));
    const d = parseDnp3DeviceAttributes(rng.int(4) === 0 ? rng.bytes(rng.int(40)) : rng.mutate(dnp3));
    for (const r of [m, d])
      if (r.ok) assert.ok(Object.values(r.identity).every((v) => typeof v === 'object' || v.length <= 128));
  }
});
