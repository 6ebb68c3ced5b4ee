import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModbusResponse } from './modbus-response.parser.js';
import { ModbusTcpReassembler } from './modbus-tcp.parser.js';
import { fromHex } from '../shared/bytes.util.js';

// Cases found by the property tests, kept so they stay fixed.

test('FC 16 response echoing quantity 0 is malformed, not an empty range (fuzz seed 0x7c9)', () => {
  const p = decodeModbusResponse(fromHex('10 0014 0000'));
  assert.equal(p.malformed, 'quantity_out_of_range');
  assert.deepEqual(p.ranges, []);
});

test('FC 15 response echoing a range past address 65535 is malformed (fuzz seed 0x7c9)', () => {
  assert.equal(decodeModbusResponse(fromHex('0f fff0 0020')).malformed, 'address_overflow');
  assert.equal(decodeModbusResponse(fromHex('0f 0000 07b1')).malformed, 'quantity_out_of_range');
});

test('a response stream carrying such an echo keeps framing', () => {
  const r = new ModbusTcpReassembler('response');
  const out = r.push(fromHex('0001 0000 0006 01 10 0014 0000  0002 0000 0006 01 10 0014 0002'));
  assert.deepEqual(
    out.map((f) => (f.kind === 'adu' ? (f.adu.pdu.malformed ?? 'ok') : f.reason)),
    ['quantity_out_of_range', 'ok'],
  );
});
