import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeModbusResponse } from './modbus-response.parser.js';
import { ModbusTcpReassembler, parseModbusTcpAdu } from './modbus-tcp.parser.js';
import { fromHex } from '../shared/bytes.util.js';

// Deviations real devices show on the wire: parsed leniently, decided strictly.

test('an exception response with a trailing byte keeps its exception code', () => {
  const p = decodeModbusResponse(fromHex('83 02 00'));
  assert.equal(p.exceptionCode, 2);
  assert.equal(p.function, 3);
  assert.equal(p.malformed, undefined);
  assert.equal(p.quirk, 'exception_trailing_bytes');
  const r = new ModbusTcpReassembler('response');
  const out = r.push(fromHex('0007 0000 0004 01 83 02 00  0008 0000 0003 01 83 03'));
  assert.deepEqual(
    out.map((f) => (f.kind === 'adu' ? [f.adu.transactionId, f.adu.pdu.exceptionCode] : f.reason)),
    [
      [7, 2],
      [8, 3],
    ],
  );
});

test('MBAP length 255 (a 261-byte UMAS frame) is framed, not a framing error', () => {
  const pdu = [0x5a, 0x00, ...new Array<number>(252).fill(0x11)];
  const adu = Uint8Array.from([0, 9, 0, 0, 0, 255, 1, ...pdu]);
  assert.equal(adu.length, 261);
  const r = new ModbusTcpReassembler('response');
  const out = r.push(Uint8Array.from([...adu, ...fromHex('000a 0000 0005 01 03 02 0001')]));
  assert.deepEqual(
    out.map((f) => (f.kind === 'adu' ? f.adu.transactionId : f.reason)),
    [9, 10],
  );
  // Decided strictly: as a request the 254-byte PDU is beyond the specification's 253.
  const asRequest = parseModbusTcpAdu(adu, 'request');
  assert.equal(asRequest.kind, 'adu');
  if (asRequest.kind === 'adu') assert.equal(asRequest.adu.pdu.malformed, 'pdu_too_long');
  // A length past 255 is still impossible.
  assert.equal(new ModbusTcpReassembler('request').push(fromHex('0001 0000 0100 01 03'))[0].kind, 'malformed');
});
