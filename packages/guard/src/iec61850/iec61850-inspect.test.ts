import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectCapture } from '../capture/capture.inspector.js';
import { substationCapture } from './iec61850-capture.fixture.js';

test('guard inspect lists GOOSE messages and MMS PDUs of a substation capture in order', () => {
  const report = inspectCapture(substationCapture());
  assert.equal(report.packets, 30);
  const brief = report.rows.map((r) =>
    r.protocol === 'goose'
      ? `${r.frame} goose ${r.goose?.stNum}/${r.goose?.sqNum}`
      : `${r.frame} ${r.direction} ${r.mms ? `${r.mms.pdu} ${r.mms.service ?? ''}`.trim() : r.iso} ${r.class}`,
  );
  assert.deepEqual(brief, [
    '1 goose 1/0',
    '2 goose 1/1',
    '3 request CR session',
    '4 response CC session',
    '5 request initiate-request session',
    '6 response initiate-response session',
    '7 request confirmed-request getNameList read',
    '8 response confirmed-response getNameList response',
    '9 request confirmed-request getNameList read',
    '10 response confirmed-response getNameList response',
    '11 request confirmed-request getNameList read',
    '12 response confirmed-response getNameList response',
    '13 request confirmed-request getVariableAccessAttributes read',
    '14 response confirmed-response getVariableAccessAttributes response',
    '15 request confirmed-request read read',
    '16 response confirmed-response read response',
    '17 goose 1/2',
    '18 request confirmed-request write write',
    '19 response confirmed-response write response',
    '20 request confirmed-request write write',
    '21 response confirmed-response write response',
    '22 goose 2/0',
    '23 response unconfirmed informationReport response',
    // The 40-name read request spans two TCP segments; its response three segments and two DT pieces.
    '25 request confirmed-request read read',
    '29 response confirmed-response read response',
    '30 goose 2/1',
  ]);
  const goose = report.rows[0];
  assert.deepEqual([goose.src, goose.dst, goose.transport], ['00:30:a7:11:22:33', '01:0c:cd:01:00:01', 'ethernet']);
  assert.equal(report.rows.find((r) => r.frame === 29)?.mms?.results?.length, 40);
});

test('MMS is looked for on the ports given, and nowhere else', () => {
  const rows = inspectCapture(substationCapture(), { mmsPorts: [10102] }).rows;
  assert.deepEqual([...new Set(rows.map((r) => r.protocol))], ['goose']);
});
