import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectCapture } from '../capture/capture.inspector.js';
import type { InspectionRow } from '../capture/capture-row.types.js';
import { tsharkAvailable, tsharkFields } from '../capture/tshark.reference.js';
import type { MmsValue } from './mms-data.decoder.js';
import { substationCapture } from './iec61850-capture.fixture.js';
import { randomGooseCapture } from './iec61850-random.fixture.js';

// Outpost's GOOSE and MMS decode against tshark's on generated captures (no public IEC 61850
// captures exist offline): every field tshark shows must agree, frame by frame, and the
// frames each side decodes must be the same.

const skipReason = tsharkAvailable() ? undefined : 'tshark not installed';

const GOOSE_FIELDS = [
  'goose.appid',
  'goose.gocbRef',
  'goose.timeAllowedtoLive',
  'goose.datSet',
  'goose.goID',
  'goose.stNum',
  'goose.sqNum',
  'goose.simulation',
  'goose.confRev',
  'goose.ndsCom',
  'goose.numDatSetEntries',
  'goose.boolean',
  'goose.integer',
  'goose.bit_string',
];
// UtcTime fields contain a comma ("Nov 30, 2026 00:53:21.500000000 UTC"): read on their own.
const TIME_FIELDS = ['goose.t', 'goose.utc_time'];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** tshark's absolute times as ISO text with nanoseconds, like ours. */
function isoTimes(cells: string[]): string[] {
  const text = cells.join(',');
  return [...text.matchAll(/([A-Z][a-z]{2}) +(\d+), (\d{4}) (\d\d:\d\d:\d\d)\.(\d{9}) UTC/g)].map((m) => {
    const month = String(MONTHS.indexOf(m[1]) + 1).padStart(2, '0');
    return `${m[3]}-${month}-${m[2].padStart(2, '0')}T${m[4]}.${m[5]}Z`;
  });
}

function flatten(values: MmsValue[], out: MmsValue[] = []): MmsValue[] {
  for (const v of values) {
    if (v.type === 'structure' || v.type === 'array') flatten(v.items, out);
    else out.push(v);
  }
  return out;
}

const of = <T extends MmsValue['type']>(vals: MmsValue[], type: T) =>
  vals.filter((v): v is Extract<MmsValue, { type: T }> => v.type === type);

function withTempFile<T>(bytes: Uint8Array, run: (file: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-iec61850-'));
  const file = join(dir, 'capture.pcap');
  writeFileSync(file, bytes);
  return run(file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

async function compareGoose(bytes: Uint8Array): Promise<number> {
  return withTempFile(bytes, async (file) => {
    const ref = await tsharkFields(file, GOOSE_FIELDS);
    const times = await tsharkFields(file, TIME_FIELDS);
    const rows = inspectCapture(bytes).rows.filter((r) => r.protocol === 'goose');
    const tsharkFrames = [...ref].filter(([, f]) => f[0].length > 0).map(([n]) => n);
    assert.deepEqual(
      rows.filter((r) => r.goose).map((r) => r.frame),
      tsharkFrames,
      'frames decoded as GOOSE',
    );
    for (const r of rows) {
      const g = r.goose!;
      const [appid, gocb, tal, datSet, goId, st, sq, sim, rev, nds, entries, bools, ints, bits] = ref.get(r.frame)!;
      const where = `frame ${r.frame}`;
      const vals = flatten(g.allData);
      assert.deepEqual(
        [appid, gocb, tal, datSet, goId, st, sq, sim, entries, nds],
        [
          [`0x${g.appId.toString(16).padStart(4, '0')}`],
          [g.gocbRef],
          [String(g.timeAllowedToLive)],
          [g.datSet],
          g.goId === undefined ? [] : [g.goId],
          [String(g.stNum)],
          [String(g.sqNum)],
          [g.simulation ? '1' : '0'],
          [String(g.numDatSetEntries)],
          [g.ndsCom ? '1' : '0'],
        ],
        `${where}: header fields`,
      );
      // tshark declares confRev INT32 and prints it signed; the octets are the same.
      assert.deepEqual(rev, [String(g.confRev | 0)], `${where}: confRev`);
      assert.deepEqual(
        bools,
        of(vals, 'boolean').map((v) => (v.value ? '1' : '0')),
        `${where}: booleans`,
      );
      const integers = vals.flatMap((v) => (v.type === 'integer' ? [String(v.value)] : []));
      assert.deepEqual(ints, integers, `${where}: integers`);
      // tshark shows a bit string's octets; ours are its bits without the unused ones.
      const ourBits = of(vals, 'bit-string').map((v) => v.bits);
      assert.equal(bits.length, ourBits.length, `${where}: bit strings`);
      bits.forEach((hex, i) => {
        const all = [...Buffer.from(hex, 'hex')].map((x) => x.toString(2).padStart(8, '0')).join('');
        assert.equal(all.slice(0, ourBits[i].length), ourBits[i], `${where}: bit string ${i}`);
        assert.ok(all.length - ourBits[i].length < 8, `${where}: bit string ${i} length`);
      });
      const [t, utc] = times.get(r.frame)!;
      assert.deepEqual(isoTimes(t), g.t ? [g.t] : [], `${where}: t`);
      assert.deepEqual(
        isoTimes(utc),
        of(vals, 'utc-time').map((v) => v.value),
        `${where}: utc-time values`,
      );
    }
    return rows.length;
  });
}

const MMS_FIELDS = [
  'mms.invokeID',
  'mms.confirmedServiceRequest',
  'mms.confirmedServiceResponse',
  'mms.unconfirmedService',
  'mms.domainId',
  'mms.itemId',
  'mms.vmd_specific',
  'mms.Identifier',
  'mms.moreFollows',
  'mms.objectClass',
  'mms.domainSpecific',
  'mms.getNameList-Request_continueAfter',
  'mms.confirmed_RequestPDU_element',
  'mms.confirmed_ResponsePDU_element',
  'mms.unconfirmed_PDU_element',
  'mms.initiate_RequestPDU_element',
  'mms.initiate_ResponsePDU_element',
];

const PDU_FIELD: Record<string, number> = {
  'confirmed-request': 12,
  'confirmed-response': 13,
  unconfirmed: 14,
  'initiate-request': 15,
  'initiate-response': 16,
};

function expectedMms(r: InspectionRow): string[][] {
  const m = r.mms!;
  const objects = m.objects ?? [];
  const domainNames = objects.filter((o) => o.includes('/')).map((o) => o.replace(/^list:/, ''));
  const vmd = objects.filter((o) => !o.includes('/')).map((o) => o.replace(/^list:/, ''));
  const cells: string[][] = [
    m.invokeId === undefined ? [] : [String(m.invokeId)],
    m.pdu === 'confirmed-request' ? [String(m.serviceTag)] : [],
    m.pdu === 'confirmed-response' ? [String(m.serviceTag)] : [],
    m.pdu === 'unconfirmed' ? [String(m.serviceTag)] : [],
    domainNames.map((o) => o.split('/')[0]),
    domainNames.map((o) => o.split('/')[1]),
    vmd,
    m.identifiers ?? [],
    m.moreFollows === undefined ? [] : [m.moreFollows ? '1' : '0'],
    m.objectClass === undefined ? [] : [String(m.objectClass)],
    m.scope === undefined || m.scope === 'vmd' || m.scope === 'aa' ? [] : [m.scope],
    m.continueAfter === undefined ? [] : [m.continueAfter],
  ];
  return cells;
}

async function compareMms(bytes: Uint8Array): Promise<number> {
  return withTempFile(bytes, async (file) => {
    const ref = await tsharkFields(file, MMS_FIELDS);
    const rows = inspectCapture(bytes).rows.filter((r) => r.protocol === 'mms' && r.mms);
    const tsharkFrames = [...ref].filter(([, f]) => f.slice(12).some((c) => c.length > 0)).map(([n]) => n);
    assert.deepEqual(
      rows.map((r) => r.frame),
      tsharkFrames,
      'frames decoded as MMS',
    );
    for (const r of rows) {
      const cells = ref.get(r.frame)!;
      assert.ok(cells[PDU_FIELD[r.mms!.pdu]].length > 0, `frame ${r.frame}: tshark sees a ${r.mms!.pdu}`);
      assert.deepEqual(cells.slice(0, 12), expectedMms(r), `frame ${r.frame}: MMS fields`);
      assert.equal(r.malformed, undefined, `frame ${r.frame}: decoded whole`);
    }
    return rows.length;
  });
}

test('GOOSE and MMS of a substation capture agree with tshark', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const bytes = substationCapture();
  const goose = await compareGoose(bytes);
  const mms = await compareMms(bytes);
  t.diagnostic(`${goose} GOOSE messages and ${mms} MMS PDUs compared`);
  assert.equal(goose, 5);
  assert.equal(mms, 19);
});

test('random GOOSE publications agree with tshark field by field', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const { pcap } = randomGooseCapture(61850, 300);
  const n = await compareGoose(pcap);
  t.diagnostic(`${n} random GOOSE messages compared`);
  assert.equal(n, 300);
});
