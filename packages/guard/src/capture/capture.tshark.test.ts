import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inspectCapture } from './capture.inspector.js';
import type { InspectionRow } from './capture-row.types.js';
import { capturesIn, testdataDir, tsharkAvailable, tsharkFields } from './tshark.reference.js';

// Compares the inspector with tshark on the shared captures. Every packet tshark decodes
// must yield the same transaction ids / function codes / unit ids (Modbus) or the same link
// addresses / application function codes (DNP3), in the same order.

const dir = testdataDir(import.meta.url);
const modbusFiles = capturesIn(join(dir, 'modbus'));
const dnp3Files = capturesIn(join(dir, 'dnp3'));
const skipReason = modbusFiles.length + dnp3Files.length === 0
  ? `no captures in ${dir} (shared test data absent)`
  : !tsharkAvailable() ? 'tshark not installed' : undefined;

function byFrame(rows: InspectionRow[], keep: (r: InspectionRow) => boolean): Map<number, InspectionRow[]> {
  const m = new Map<number, InspectionRow[]>();
  for (const r of rows.filter(keep)) m.set(r.frame, [...(m.get(r.frame) ?? []), r]);
  return m;
}

// Rows whose MBAP header was unusable are the ones tshark refuses to dissect as Modbus.
const framedModbus = (r: InspectionRow) => r.protocol === 'modbus' && !r.malformed?.startsWith('mbap_');

function compareModbus(file: string): number {
  const ref = tsharkFields(file, ['mbtcp.trans_id', 'modbus.func_code', 'mbtcp.unit_id']);
  const ours = byFrame(inspectCapture(readFileSync(file)).rows, framedModbus);
  let checked = 0;
  for (const [frame, [tids, fcs, units]] of ref) {
    if (tids.length === 0) continue;
    const rows = ours.get(frame) ?? [];
    const where = `${basename(file)} frame ${frame}`;
    assert.deepEqual(rows.map((r) => String(r.transactionId)), tids, `${where}: transaction ids`);
    assert.deepEqual(rows.map((r) => String(r.unit)), units, `${where}: unit ids`);
    assert.deepEqual(rows.map((r) => String(r.fc)).slice(0, fcs.length), fcs, `${where}: function codes`);
    checked += tids.length;
  }
  return checked;
}

function compareDnp3(file: string): number {
  const ref = tsharkFields(file, ['dnp3.src', 'dnp3.dst', 'dnp3.al.func']);
  const ours = byFrame(inspectCapture(readFileSync(file)).rows, (r) => r.protocol === 'dnp3' && r.linkSource !== undefined);
  let checked = 0;
  for (const [frame, [srcs, dsts, funcs]] of ref) {
    if (srcs.length === 0) continue;
    const rows = ours.get(frame) ?? [];
    const where = `${basename(file)} frame ${frame}`;
    assert.deepEqual(rows.map((r) => String(r.linkSource)), srcs, `${where}: link sources`);
    assert.deepEqual(rows.map((r) => String(r.linkDestination)), dsts, `${where}: link destinations`);
    const appFuncs = rows.filter((r) => r.fc !== undefined).map((r) => String(r.fc));
    assert.deepEqual(appFuncs, funcs, `${where}: application function codes`);
    checked += srcs.length;
  }
  return checked;
}

test('Modbus captures agree with tshark', (t) => {
  if (skipReason) return t.skip(skipReason);
  for (const f of modbusFiles) t.diagnostic(`${basename(f)}: ${compareModbus(f)} ADUs compared`);
});

test('DNP3 captures agree with tshark', (t) => {
  if (skipReason) return t.skip(skipReason);
  for (const f of dnp3Files) t.diagnostic(`${basename(f)}: ${compareDnp3(f)} link frames compared`);
});
