import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModbusRequest } from './modbus-request.parser.js';
import { decodeModbusResponse } from './modbus-response.parser.js';
import { req, res } from './modbus.fixture.js';

const dec = (p: number[]) => decodeModbusRequest(Uint8Array.from(p));
const decRes = (p: number[]) => decodeModbusResponse(Uint8Array.from(p));

test('reads carry their table and range', () => {
  assert.deepEqual(dec(req.read(1, 10, 2000)).ranges, [{ table: 'coil', start: 10, count: 2000, access: 'read' }]);
  assert.equal(dec(req.read(2, 0, 1)).ranges[0].table, 'discrete');
  assert.equal(dec(req.read(3, 0, 125)).class, 'read');
  assert.equal(dec(req.read(4, 0, 1)).ranges[0].table, 'input');
});

test('read quantities outside the spec limits are malformed', () => {
  assert.equal(dec(req.read(1, 0, 2001)).malformed, 'quantity_out_of_range');
  assert.equal(dec(req.read(3, 0, 126)).malformed, 'quantity_out_of_range');
  assert.equal(dec(req.read(3, 0, 0)).malformed, 'quantity_out_of_range');
  assert.equal(dec(req.read(3, 65535, 2)).malformed, 'address_overflow');
  assert.equal(dec([3, 0, 0, 0]).malformed, 'pdu_length');
});

test('single writes', () => {
  const coil = dec(req.writeCoil(7, true));
  assert.equal(coil.class, 'write');
  assert.deepEqual(coil.values, [1]);
  assert.deepEqual(coil.ranges, [{ table: 'coil', start: 7, count: 1, access: 'write' }]);
  assert.equal(dec([5, 0, 1, 0x12, 0x34]).malformed, 'coil_value');
  const reg = dec(req.writeRegister(40, 0xbeef));
  assert.deepEqual(reg.values, [0xbeef]);
  assert.equal(reg.ranges[0].table, 'holding');
});

test('multiple writes check quantity and byte count', () => {
  const coils = dec(req.writeCoils(10, [1, 0, 1, 1, 0, 0, 1, 0, 1]));
  assert.deepEqual(coils.values, [1, 0, 1, 1, 0, 0, 1, 0, 1]);
  assert.equal(coils.ranges[0].count, 9);
  const regs = dec(req.writeRegisters(20, [1, 2, 3]));
  assert.deepEqual(regs.values, [1, 2, 3]);
  const badCount = req.writeRegisters(20, [1, 2, 3]);
  badCount[5] = 5;
  assert.equal(dec(badCount).malformed, 'byte_count');
  assert.equal(dec([16, 0, 0, 0, 124, 248, 0, 1]).malformed, 'quantity_out_of_range');
  assert.equal(dec(req.writeRegisters(0, new Array(124).fill(1))).malformed, 'pdu_too_long');
  assert.equal(dec([...req.writeRegisters(0, [1]), 0]).malformed, 'pdu_length');
});

test('mask write and read/write multiple', () => {
  assert.deepEqual(dec(req.maskWrite(4, 0xf2, 0x25)).values, [0xf2, 0x25]);
  const rw = dec(req.readWrite(3, 6, 14, [0xff, 0xff, 0xff]));
  assert.equal(rw.class, 'write');
  assert.deepEqual(rw.ranges, [
    { table: 'holding', start: 3, count: 6, access: 'read' },
    { table: 'holding', start: 14, count: 3, access: 'write' },
  ]);
  assert.equal(dec(req.readWrite(0, 0, 0, [1])).malformed, 'quantity_out_of_range');
});

test('diagnostic and control class, device identification is a read', () => {
  for (const fc of [7, 11, 12, 17]) assert.equal(dec([fc]).class, 'read');
  assert.equal(dec(req.diagnostics(1, 0)).subFunction, 1);
  assert.equal(dec(req.diagnostics(1, 0)).class, 'control');
  assert.equal(dec(req.deviceId(1, 0)).class, 'read');
  assert.equal(dec(req.deviceId(9, 0)).malformed, 'read_device_id_code');
  assert.equal(dec([43, 13, 1]).class, 'control');
});

test('unknown and invalid function codes', () => {
  assert.equal(dec([99, 1, 2]).class, 'unknown');
  assert.equal(dec([0]).class, 'malformed');
  assert.equal(dec([0x83, 2]).class, 'malformed');
  assert.equal(dec([]).malformed, 'empty_pdu');
  assert.equal(dec(new Array(254).fill(3)).malformed, 'pdu_too_long');
});

test('responses and exception responses', () => {
  const ex = decRes(res.exception(3, 2));
  assert.equal(ex.fc, 0x83);
  assert.equal(ex.function, 3);
  assert.equal(ex.exceptionCode, 2);
  assert.equal(ex.class, 'read');
  assert.equal(decRes(res.readRegisters(3, [1, 2])).class, 'read');
  assert.equal(decRes([3, 3, 0, 1, 2]).malformed, 'byte_count');
  assert.equal(decRes([3, 4, 0, 1]).malformed, 'byte_count');
  assert.equal(decRes(res.echo(req.writeCoil(1, true))).ranges[0].start, 1);
  assert.equal(decRes(res.deviceId([[0, 'Vendor']])).class, 'read');
  assert.equal(decRes([43, 14, 1, 1, 0x4d, 0, 0]).malformed, 'more_follows');
  assert.equal(decRes([0x83]).malformed, 'pdu_length');
});
