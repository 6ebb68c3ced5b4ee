import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTlv } from './ber.reader.js';
import { decodeUpperLayers } from './iso-upper.decoder.js';
import { decodeMms } from './mms.decoder.js';
import { TpktReassembler } from './tpkt.reassembler.js';
import { data, tlv, type Bytes } from './iec61850.fixture.js';
import { cotpData, mms, sessionConnect, sessionData } from './mms.fixture.js';

function decode(pdu: Bytes) {
  const b = Uint8Array.from(pdu);
  const t = readTlv(b, 0, b.length);
  assert.ok(t.ok);
  const r = decodeMms(b, t.tlv);
  assert.ok(r.ok, JSON.stringify(r));
  return r.mms;
}

test('confirmed services IEC 61850 clients use, with object names', () => {
  assert.deepEqual(decode(mms.readRequest(5, ['LD0/XCBR1$ST$Pos$stVal', 'vmdVar'])), {
    pdu: 'confirmed-request',
    invokeId: 5,
    serviceTag: 4,
    service: 'read',
    objects: ['LD0/XCBR1$ST$Pos$stVal', 'vmdVar'],
  });
  assert.deepEqual(decode(mms.readResponse(5, [data.boolean(true), tlv(0x80, [10])])), {
    pdu: 'confirmed-response',
    invokeId: 5,
    serviceTag: 4,
    service: 'read',
    results: ['ok', 'error:10'],
    values: 1,
  });
  assert.deepEqual(
    decode(mms.writeRequest(9, ['LD0/CSWI1$CO$Pos$Oper'], [data.structure(data.boolean(true), data.integer(3))])),
    {
      pdu: 'confirmed-request',
      invokeId: 9,
      serviceTag: 5,
      service: 'write',
      objects: ['LD0/CSWI1$CO$Pos$Oper'],
      values: 3,
    },
  );
  assert.deepEqual(decode(mms.writeResponse(9, [true, false])).results, ['ok', 'error:3']);
  assert.deepEqual(decode(mms.getNameListRequest(1, 0, 'LD0', 'LLN0')), {
    pdu: 'confirmed-request',
    invokeId: 1,
    serviceTag: 1,
    service: 'getNameList',
    objectClass: 0,
    scope: 'LD0',
    continueAfter: 'LLN0',
  });
  const list = decode(mms.getNameListResponse(1, ['LLN0', 'XCBR1'], true));
  assert.deepEqual([list.identifiers, list.identifierCount, list.moreFollows], [['LLN0', 'XCBR1'], 2, true]);
  assert.deepEqual(decode(mms.attributesRequest(4, 'LD0/XCBR1$ST$Pos')).objects, ['LD0/XCBR1$ST$Pos']);
  assert.equal(decode(mms.attributesResponse(4)).deletable, false);
  const report = decode(mms.informationReport('RPT', [data.visible('rpt01'), data.boolean(false)]));
  assert.deepEqual(report, {
    pdu: 'unconfirmed',
    serviceTag: 0,
    service: 'informationReport',
    objects: ['list:RPT'],
    results: ['ok', 'ok'],
    values: 2,
  });
});

test('a body that does not match its service is kept as a malformed PDU with the reason', () => {
  // Read request without variableAccessSpecification [1].
  const bad = decode(tlv(0xa0, tlv(0x02, [1]), tlv(0xa4, tlv(0x80, [0]))));
  assert.equal(bad.malformed, 'mms_missing_variable_access');
  const b = Uint8Array.from(tlv(0xa0, tlv(0x80, [1])));
  const t = readTlv(b, 0, b.length);
  assert.ok(t.ok);
  assert.deepEqual(decodeMms(b, t.tlv), { ok: false, reason: 'mms_missing_invoke_id' });
});

test('the ISO stack: MMS found in session data and in the connect SPDU', () => {
  const data1 = decodeUpperLayers(Uint8Array.from(sessionData(mms.readRequest(1, ['x']))));
  assert.ok(data1.ok && data1.session === 'data' && data1.mms);
  const connect = decodeUpperLayers(Uint8Array.from(sessionConnect(mms.initiateRequest())));
  assert.ok(connect.ok && connect.session === 'connect' && connect.mms);
  assert.equal(decodeMms(connect.mms.b, connect.mms.pdu).ok && decodeMms(connect.mms.b, connect.mms.pdu).ok, true);
  assert.deepEqual(decodeUpperLayers(Uint8Array.from([0x01, 0x00, 0x02, 0x00])), {
    ok: false,
    session: 'data',
    reason: 'ses_no_data_transfer',
  });
});

test('TPKT: split across segments, DT pieces joined, garbage and oversize refused', () => {
  const bytes = Uint8Array.from(cotpData(sessionData(mms.readRequest(1, ['a', 'b', 'c'])), 7));
  const r = new TpktReassembler();
  const items = [];
  for (let i = 0; i < bytes.length; i += 5) items.push(...r.push(bytes.subarray(i, i + 5)));
  assert.equal(items.length, 1);
  assert.ok(items[0].kind === 'tpdu' && items[0].cotp === 'DT');
  assert.equal(r.buffered, 0);
  assert.deepEqual(new TpktReassembler().push(Uint8Array.from([4, 0, 0, 7, 2, 0xf0, 0x80])), [
    { kind: 'malformed', reason: 'tpkt_bad_version', bytes: 7 },
  ]);
  // 40 DT pieces of 2,000 octets without end-of-TSDU pass the bound.
  const big = new TpktReassembler();
  const piece = [3, 0, 0x07, 0xd7, 2, 0xf0, 0x00, ...new Array(2000).fill(0)];
  const out = [];
  for (let i = 0; i < 40; i++) out.push(...big.push(Uint8Array.from(piece)));
  assert.deepEqual(out[0], { kind: 'malformed', reason: 'cotp_tsdu_too_large', bytes: 2007 });
  assert.ok(big.buffered <= 64 * 1024);
});
