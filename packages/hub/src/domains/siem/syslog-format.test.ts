import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SiemEvent } from './siem-event.js';
import {
  SD_ID,
  formatSyslog,
  frameOctetCounted,
  printAscii,
  sdName,
  sdParamValue,
  syslogTimestamp,
} from './syslog-format.js';

const event = (over: Partial<SiemEvent> = {}): SiemEvent => ({
  source: 'audit',
  position: '42',
  seq: '42',
  time: '2026-12-07T03:04:05.123Z',
  component: { host: 'hub-1', software: 'outpost-hub', version: '1.2.3' },
  type: 'user.login',
  category: 'audit',
  subject: 'user:ann',
  outcome: 'ok',
  severity: 'notice',
  target: 'user:ann',
  sourceIp: '10.0.0.1',
  details: { reason: 'x' },
  ...over,
});
const header = { hostname: 'hub-1', procId: '1234' };

// RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG]; one SD-ELEMENT here, MSG starting with the BOM.
const ABNF =
  /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z|-) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) (\[[^ =\]"]{1,32}(?: [^ =\]"]{1,32}="(?:[^"\\\]]|\\["\\\]])*")*\]) \uFEFF(.*)$/su;

describe('RFC 5424 formatter', () => {
  it('writes every header field, the five fields as structured data and the event as MSG', () => {
    const line = formatSyslog(event(), header);
    const m = ABNF.exec(line);
    assert.ok(m, line);
    // facility 13 (log audit) × 8 + severity 5 (notice)
    assert.equal(m[1], String(13 * 8 + 5));
    assert.equal(m[2], '2026-12-07T03:04:05.123Z');
    assert.deepEqual([m[3], m[4], m[5], m[6]], ['hub-1', 'outpost-hub', '1234', 'user.login']);
    assert.equal(
      m[7],
      `[${SD_ID} source="audit" seq="42" subject="user:ann" outcome="ok" component="hub-1 outpost-hub/1.2.3" category="audit" target="user:ann"]`,
    );
    const msg = JSON.parse(m[8]) as Record<string, unknown>;
    assert.equal(msg.subject, 'user:ann');
    assert.equal(msg.outcome, 'ok');
    assert.equal(msg.time, '2026-12-07T03:04:05.123Z');
    assert.deepEqual(msg.component, { host: 'hub-1', software: 'outpost-hub', version: '1.2.3' });
    assert.equal('position' in msg, false);
  });

  it('escapes ", \\ and ] in SD-PARAM values and keeps the element parseable', () => {
    assert.equal(sdParamValue('a"b\\c]d'), 'a\\"b\\\\c\\]d');
    assert.equal(sdParamValue('line\nbreak\x00'), 'line break ');
    const line = formatSyslog(event({ subject: 'user:"x]\\y', target: ']' }), header);
    const m = ABNF.exec(line);
    assert.ok(m, line);
    assert.match(m[7], /subject="user:\\"x\\]\\\\y"/);
    assert.match(m[7], /target="\\]"/);
  });

  it('uses NILVALUE for empty header fields and an unreadable time', () => {
    assert.equal(printAscii('', 10), '-');
    assert.equal(printAscii(null, 10), '-');
    assert.equal(syslogTimestamp('not a time'), '-');
    const m = ABNF.exec(formatSyslog(event({ time: 'garbage' }), { hostname: '', procId: '' }));
    assert.ok(m);
    assert.deepEqual([m[2], m[3], m[5]], ['-', '-', '-']);
  });

  it('replaces what is not PRINTUSASCII in header fields and bounds their length', () => {
    assert.equal(printAscii('host name\u00e9', 255), 'host_name_');
    const line = formatSyslog(event({ type: 'x'.repeat(40) }), { hostname: 'h'.repeat(300), procId: 'p' });
    const m = ABNF.exec(line);
    assert.ok(m, line);
    assert.equal(m[3].length, 255);
    assert.equal(m[6].length, 32);
  });

  it('refuses an SD-NAME it cannot write and strips = ] " and spaces', () => {
    assert.equal(sdName('a=b]c"d e'), 'a_b_c_d_e');
    assert.throws(() => sdName(''), /at least one character/);
    assert.equal(sdName('n'.repeat(40)).length, 32);
  });

  it('keeps a message within the byte bound: details go first, then MSG is cut at a character boundary', () => {
    const big = event({ details: { reason: 'é'.repeat(5000) } });
    const line = formatSyslog(big, header, 2048);
    assert.ok(Buffer.byteLength(line) <= 2048);
    assert.deepEqual((JSON.parse(ABNF.exec(line)![8]) as { details: unknown }).details, { truncated: true });
    const huge = event({ target: 't'.repeat(3000) });
    const cut = formatSyslog(huge, header, 4000);
    assert.ok(Buffer.byteLength(cut) <= 4000);
    assert.equal(cut.includes('\uFFFD'), false);
    assert.throws(() => formatSyslog(event(), header, 50), /needs more than 50 bytes/);
  });

  it('frames with the octet count of the UTF-8 message (RFC 5425 §4.3)', () => {
    const frame = frameOctetCounted('<13>1 - - - - - - \uFEFFé');
    const text = frame.toString('utf8');
    const [len, ...rest] = text.split(' ');
    assert.equal(Number(len), Buffer.byteLength(rest.join(' ')));
    assert.equal(Number(len), frame.length - len.length - 1);
  });
});
