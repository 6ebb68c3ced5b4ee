import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc16Dnp, crc16Modbus } from './crc16.util.js';

const check = new TextEncoder().encode('123456789');

test('CRC-16/MODBUS matches the catalogue check value', () => {
  assert.equal(crc16Modbus(check), 0x4b37);
});

test('CRC-16/DNP matches the catalogue check value', () => {
  assert.equal(crc16Dnp(check), 0xea82);
});

test('CRC ranges are honoured', () => {
  const padded = new Uint8Array([0xff, ...check, 0xee]);
  assert.equal(crc16Modbus(padded, 1, 10), 0x4b37);
  assert.equal(crc16Dnp(padded, 1, 10), 0xea82);
});
