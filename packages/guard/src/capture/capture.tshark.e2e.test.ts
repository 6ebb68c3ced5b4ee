import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inspectCapture } from './capture.inspector.js';
import type { InspectionRow } from './capture-row.types.js';
import { capturesIn, testdataDir, tsharkAvailable, tsharkFields } from './tshark.reference.js';

// Compares the inspector with tshark on the shared captures. Every packet tshark decodes
// must yield the same transaction ids / function codes / unit ids (Modbus) or the same link
// addresses / application function codes (DNP3), in the same order; and packets tshark does
// not decode must not yield well-framed PDUs here.

// Frames tshark does not dissect although they carry a well-formed PDU; skipped in the
// "nothing decoded that tshark did not decode" check only.
const NOT_DISSECTED_BY_TSHARK: Record<string, number[]> = {
  // modbusBig.pcap 3150: the only copy of the response to transaction 50382 (contiguous
  // sequence numbers, seq 7085, 10 bytes). The client's ACK for it was captured before the
  // segment itself, so tshark flags it as a "suspected spurious retransmission" and does not
  // hand it to the Modbus dissector. We decode it as a Read Coils response.
  'modbusBig.pcap': [3150],
};

const dir = testdataDir(import.meta.url);
const modbusFiles = capturesIn(join(dir, 'modbus'));
const dnp3Files = capturesIn(join(dir, 'dnp3'));
const skipReason =
  modbusFiles.length + dnp3Files.length === 0
    ? `no captures in ${dir} (shared test data absent)`
    : !tsharkAvailable()
      ? 'tshark not installed'
      : undefined;

function byFrame(rows: InspectionRow[], keep: (r: InspectionRow) => boolean): Map<number, InspectionRow[]> {
  const m = new Map<number, InspectionRow[]>();
  for (const r of rows.filter(keep)) m.set(r.frame, [...(m.get(r.frame) ?? []), r]);
  return m;
}

// Rows whose MBAP header was unusable are the ones tshark refuses to dissect as Modbus.
const framedModbus = (r: InspectionRow) => r.protocol === 'modbus' && !r.malformed?.startsWith('mbap_');
// DNP3 rows with a valid link header (tshark shows dnp3.src for exactly those).
const framedDnp3 = (r: InspectionRow) => r.protocol === 'dnp3' && r.linkSource !== undefined;

function assertNoExtraFrames(file: string, ref: Map<number, string[][]>, ours: Map<number, InspectionRow[]>): void {
  const known = NOT_DISSECTED_BY_TSHARK[basename(file)] ?? [];
  const extra = [...ours.keys()].filter((f) => (ref.get(f)?.[0] ?? []).length === 0 && !known.includes(f));
  assert.deepEqual(extra, [], `${basename(file)}: frames decoded here but not by tshark`);
}

async function compareModbus(file: string): Promise<number> {
  const ref = await tsharkFields(file, ['mbtcp.trans_id', 'modbus.func_code', 'mbtcp.unit_id']);
  const ours = byFrame(inspectCapture(readFileSync(file)).rows, framedModbus);
  let checked = 0;
  for (const [frame, [tids, fcs, units]] of ref) {
    if (tids.length === 0) continue;
    const rows = ours.get(frame) ?? [];
    const where = `${basename(file)} frame ${frame}`;
    assert.deepEqual(
      rows.map((r) => String(r.transactionId)),
      tids,
      `${where}: transaction ids`,
    );
    assert.deepEqual(
      rows.map((r) => String(r.unit)),
      units,
      `${where}: unit ids`,
    );
    // modbus.func_code drops the exception bit, like our fc (the exception code is separate).
    assert.deepEqual(
      rows.map((r) => String(r.fc)),
      fcs,
      `${where}: function codes`,
    );
    checked += tids.length;
  }
  assertNoExtraFrames(file, ref, ours);
  return checked;
}

async function compareDnp3(file: string): Promise<number> {
  const ref = await tsharkFields(file, ['dnp3.src', 'dnp3.dst', 'dnp3.al.func']);
  const ours = byFrame(inspectCapture(readFileSync(file)).rows, framedDnp3);
  let checked = 0;
  for (const [frame, [srcs, dsts, funcs]] of ref) {
    if (srcs.length === 0) continue;
    const rows = ours.get(frame) ?? [];
    const where = `${basename(file)} frame ${frame}`;
    assert.deepEqual(
      rows.map((r) => String(r.linkSource)),
      srcs,
      `${where}: link sources`,
    );
    assert.deepEqual(
      rows.map((r) => String(r.linkDestination)),
      dsts,
      `${where}: link destinations`,
    );
    // dnp3.al.func appears on the frame that completes an application fragment.
    assert.deepEqual(
      rows.filter((r) => r.fc !== undefined).map((r) => String(r.fc)),
      funcs,
      `${where}: application function codes`,
    );
    checked += srcs.length;
  }
  assertNoExtraFrames(file, ref, ours);
  return checked;
}

test('Modbus captures agree with tshark', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const counts = await Promise.all(modbusFiles.map(compareModbus));
  modbusFiles.forEach((f, i) => t.diagnostic(`${basename(f)}: ${counts[i]} ADUs compared`));
  assert.ok(counts.reduce((a, b) => a + b, 0) > 0);
});

test('DNP3 captures agree with tshark', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const counts = await Promise.all(dnp3Files.map(compareDnp3));
  dnp3Files.forEach((f, i) => t.diagnostic(`${basename(f)}: ${counts[i]} link frames compared`));
  assert.ok(counts.reduce((a, b) => a + b, 0) > 0);
});
