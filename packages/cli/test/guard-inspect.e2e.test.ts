import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { capture } from '../../guard/src/capture/capture.fixture.js';
import { mbap, req } from '../../guard/src/modbus/modbus.fixture.js';
import { MASTER, apdu, fragmentFrames } from '../../guard/src/dnp3/dnp3.fixture.js';
import { testdataDir, tsharkAvailable, tsharkFields } from '../../guard/src/capture/tshark.reference.js';
import { inspectJsonLines, readPolicyFile } from '../src/guard-inspect.js';
import { OUTPOST_MAIN } from './outpost-command.js';

// `outpost guard inspect` as a user runs it: on a capture this test writes, with and without
// a policy, and on captures from the field compared with tshark (skipped without them).

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');
const main = OUTPOST_MAIN;
const inspect = async (...args: string[]) =>
  (await exec(process.execPath, [main, 'guard', 'inspect', ...args], { cwd: root, timeout: 60_000 })).stdout;

interface Row {
  frame: number;
  direction: string;
  protocol: string;
  transactionId?: number;
  unit?: number;
  fc?: number;
  class?: string;
  linkSource?: number;
  linkDestination?: number;
  appSeq?: number;
  malformed?: string;
  ranges: Array<{ table: string; start: number; count: number; access: string }>;
  decision?: { action: string; reason?: string; exceptionCode?: number; response?: string };
}

const SCADA = '10.0.0.5';
const PLC = '10.0.0.9';

describe('outpost guard inspect', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-inspect-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Frame 1: read 3 holding registers; 2: its response; 3: a register write; 4: a frame with a
  // wrong protocol id; 5: a DNP3 read of analog inputs 0..9.
  const file = join(dir, 'synthetic.pcap');
  const policyFile = join(dir, 'policy.json');
  writeFileSync(
    file,
    capture([
      { src: SCADA, dst: PLC, sport: 40000, dport: 502, seq: 1, payload: mbap(0x11, 1, req.read(3, 10, 3)) },
      { src: PLC, dst: SCADA, sport: 502, dport: 40000, seq: 1, payload: mbap(0x11, 1, [3, 6, 0, 1, 0, 2, 0, 3]) },
      { src: SCADA, dst: PLC, sport: 40000, dport: 502, seq: 13, payload: mbap(0x12, 1, req.writeRegister(5, 4242)) },
      { src: SCADA, dst: PLC, sport: 40001, dport: 502, seq: 1, payload: [0, 0x13, 0, 7, 0, 6, 1, 6, 0, 5, 0, 1] },
      {
        src: SCADA,
        dst: PLC,
        sport: 40002,
        dport: 20000,
        seq: 1,
        payload: [...fragmentFrames(MASTER, apdu.readAnalogs(3, 0, 9))[0]],
      },
    ]),
  );
  writeFileSync(
    policyFile,
    JSON.stringify({ mode: 'enforce', allowedClasses: ['read', 'write'], readOnly: true, onViolation: 'exception' }),
  );

  const data = testdataDir(import.meta.url);
  const samples = [join(data, 'modbus', 'modbusSmall.pcap'), join(data, 'dnp3', 'dnp3_read.pcap')];
  const skip = !samples.every(existsSync)
    ? `shared captures not found in ${data}`
    : !tsharkAvailable()
      ? 'tshark not installed'
      : false;
  // Starting the whole command costs seconds on a busy machine: it runs twice, as a person
  // would run it (table, JSON lines); the other cases call the function its action prints.
  let table: Promise<string>;
  let jsonLines: Promise<string>;
  before(() => {
    table = inspect(file, '--policy', policyFile);
    jsonLines = inspect(file, '--json', '--policy', policyFile);
  });
  interface Summary {
    type: 'summary';
    format: string;
    packets: number;
    rows: number;
  }
  const parseLines = (text: string) => {
    const objects = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as (Row & { type: 'pdu' }) | Summary);
    const summary = objects[objects.length - 1] as Summary;
    return { summary, rows: objects.slice(0, -1) as Row[], objects };
  };
  const json = async (f: string, policy?: string) => {
    let text = '';
    await inspectJsonLines(f, { policy }, (t) => (text += t));
    return { ...parseLines(text).summary, rows: parseLines(text).rows };
  };

  it('prints every PDU: frame, direction, protocol, ids, function, class, ranges, malformed reason, decision', async () => {
    const lines = (await table).trim().split('\n');
    assert.match(
      lines[0],
      /^FRAME\s+DIR\s+PROTO\s+TXN\/SEQ\s+UNIT\/LINK\s+FC\s+CLASS\s+RANGES\s+MALFORMED\s+DECISION$/,
    );
    const cells = lines.slice(1, 6).map((l) => l.split(/\s{2,}/));
    assert.deepEqual(cells[0], ['1', 'req', 'modbus', '17', 'unit 1', '3', 'read', 'r:holding:10-12', '-', 'allow']);
    assert.deepEqual(cells[1].slice(0, 6), ['2', 'resp', 'modbus', '17', 'unit 1', '3']);
    assert.deepEqual(cells[2], [
      '3',
      'req',
      'modbus',
      '18',
      'unit 1',
      '6',
      'write',
      'w:holding:5-5',
      '-',
      'block (exception 2): ungranted_write',
    ]);
    assert.deepEqual(cells[3].slice(0, 3), ['4', 'req', 'modbus']);
    assert.match(lines[4], /malformed\s+-\s+mbap_protocol\S*\s+block \(drop\): malformed:mbap_protocol/);
    assert.deepEqual(cells[4], ['5', 'req', 'dnp3', 'seq 3', '3->4', '1', 'read', 'r:input:0-9', '-', 'allow']);
    assert.match(
      lines[6],
      /^5 packets \(pcap\), 5 PDUs; dnp3 read: 1, modbus malformed: 1, modbus read: 2, modbus write: 1; 2 would be blocked$/,
    );
  });

  it('--json prints JSON lines: one object per row, then a summary', async () => {
    const { objects, summary } = parseLines(await jsonLines);
    assert.deepEqual(
      objects.map((o) => o.type),
      ['pdu', 'pdu', 'pdu', 'pdu', 'pdu', 'summary'],
    );
    assert.deepEqual(summary, { type: 'summary', format: 'pcap', packets: 5, rows: 5 });
    const write = objects[2] as Row & { values?: number[] };
    assert.deepEqual(write.values, [4242], 'written values are part of the row');
    const dnp3 = objects[4] as Row & { objects?: unknown[] };
    assert.deepEqual(dnp3.objects, [{ group: 30, variation: 1, qualifier: 1, count: 10, start: 0, stop: 9 }]);
  });

  it('--json gives the same rows with the decisions, for scripts', async () => {
    const report = await json(file, policyFile);
    assert.equal(report.format, 'pcap');
    const byFrame = new Map(report.rows.map((r) => [r.frame, r]));
    assert.equal(byFrame.get(1)?.decision?.action, 'allow');
    assert.deepEqual(byFrame.get(3)?.decision, {
      action: 'block',
      reason: 'ungranted_write',
      violations: ['ungranted_write'],
      response: '001200000003018602',
      exceptionCode: 2,
    });
    assert.equal(byFrame.get(4)?.decision?.action, 'block', 'malformed frames fail closed');
    assert.equal(byFrame.get(4)?.decision?.response, undefined, 'and are not answered');
    assert.equal(byFrame.get(2)?.decision, undefined, 'responses are not judged');
  });

  it('a megabyte of DNP3 junk is a few lines, not one per two octets', async () => {
    const junk = join(dir, 'junk.pcap');
    const pairs = Array.from({ length: 500 }, () => [0x05, 0x64]).flat();
    writeFileSync(
      junk,
      capture(
        Array.from({ length: 1_000 }, (_, i) => ({
          src: SCADA,
          dst: PLC,
          sport: 40003,
          dport: 20000,
          seq: 1 + i * 1_000,
          payload: pairs,
        })),
      ),
    );
    let text = '';
    await inspectJsonLines(junk, { policy: policyFile }, (t) => (text += t));
    const { rows, summary } = parseLines(text);
    assert.equal(summary.packets, 1_000);
    // The last few pairs are still held, waiting for a header's ten octets, when the capture ends.
    assert.deepEqual(
      rows.map((r) => [r.malformed, r.decision?.action]),
      [['header_crc', 'block']],
    );
    assert.ok(((rows[0] as Row & { count?: number }).count ?? 0) > 499_990);
    assert.ok(text.length < 2_000, `${text.length} characters`);
  });

  it('refuses a policy file with a mistake, naming it', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ mode: 'enforce', allowedClasses: ['read'], readOnly: 'yes', onViolation: 'exception' }),
    );
    await assert.rejects(readPolicyFile(bad), /bad\.json: \/readOnly/);
  });

  it('agrees with tshark on captures from the field', { skip }, async () => {
    const [modbus, dnp3] = await Promise.all(samples.map(async (f) => (await json(f)).rows));
    const [mref, dref] = await Promise.all([
      tsharkFields(samples[0], ['mbtcp.trans_id', 'modbus.func_code', 'mbtcp.unit_id']),
      tsharkFields(samples[1], ['dnp3.src', 'dnp3.dst', 'dnp3.al.func']),
    ]);
    let compared = 0;
    for (const [frame, [tids, fcs, units]] of mref) {
      if (tids.length === 0) continue;
      const rows = modbus.filter((r) => r.frame === frame && !r.malformed?.startsWith('mbap_'));
      assert.deepEqual(
        rows.map((r) => [String(r.transactionId), String(r.fc), String(r.unit)]),
        tids.map((t, i) => [t, fcs[i], units[i]]),
        `modbus frame ${frame}`,
      );
      compared += rows.length;
    }
    for (const [frame, [srcs, dsts, funcs]] of dref) {
      if (srcs.length === 0) continue;
      const rows = dnp3.filter((r) => r.frame === frame && r.linkSource !== undefined);
      assert.deepEqual(
        rows.map((r) => [String(r.linkSource), String(r.linkDestination)]),
        srcs.map((s, i) => [s, dsts[i]]),
        `dnp3 frame ${frame}`,
      );
      assert.deepEqual(
        rows.filter((r) => r.fc !== undefined).map((r) => String(r.fc)),
        funcs,
        `dnp3 frame ${frame} functions`,
      );
      compared += rows.length;
    }
    assert.ok(compared >= 10, `compared ${compared} PDUs`);
  });
});
