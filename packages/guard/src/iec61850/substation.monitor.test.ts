import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRecordInspector } from '../capture/capture.inspector.js';
import { PcapStreamReader } from '../capture/pcap-stream.reader.js';
import type { InspectionRow } from '../capture/capture-row.types.js';
import { Prng } from '../shared/prng.fixture.js';
import { SubstationMonitor } from './substation.monitor.js';
import { substationCapture } from './iec61850-capture.fixture.js';
import type { MonitorEvent } from './goose.monitor.js';

// The capture as a capture tool writes it to a pipe: in chunks of any size.
function monitorStream(
  bytes: Uint8Array,
  rng: Prng,
): { events: MonitorEvent[]; monitor: SubstationMonitor; reader: PcapStreamReader } {
  const monitor = new SubstationMonitor();
  const events: MonitorEvent[] = [];
  const inspector = createRecordInspector({}, (row: InspectionRow) => events.push(...monitor.observe(row)));
  const reader = new PcapStreamReader();
  for (const chunk of rng.chunks(bytes, 700)) for (const rec of reader.push(chunk)) inspector.record(rec);
  inspector.flush();
  return { events, monitor, reader };
}

test('a substation capture read in chunks gives the inventory and the events', () => {
  const bytes = substationCapture();
  for (const seed of [1, 2, 3]) {
    const { events, monitor, reader } = monitorStream(bytes, new Prng(seed));
    assert.equal(reader.records, 30);
    assert.equal(reader.error, undefined);
    assert.ok(reader.buffered === 0);
    assert.deepEqual(
      events.map((e) => e.type),
      [
        'iec61850.goose_publisher',
        'iec61850.mms_association',
        'iec61850.mms_write',
        'iec61850.mms_control',
        'iec61850.goose_state_change',
      ],
    );
    const control = events.find((e) => e.type === 'iec61850.mms_control')!;
    assert.deepEqual(control.data.objects, ['IED1LD0/CSWI1$CO$Pos$Oper', 'IED1LD0/LLN0$SP$x']);
    const change = events.find((e) => e.type === 'iec61850.goose_state_change')!;
    assert.deepEqual(change.data.values, [
      { index: 0, value: { type: 'boolean', value: true } },
      { index: 2, value: { type: 'utc-time', value: '2026-11-30T00:53:22.250000000Z', quality: 10 } },
    ]);
    const inv = monitor.inventory();
    assert.deepEqual(
      inv.goose.map((p) => [p.gocbRef, p.mac, p.stNum, p.sqNum, p.messages]),
      [['IED1LD0/LLN0$GO$gcbTrip', '00:30:a7:11:22:33', 2, 1, 5]],
    );
    assert.deepEqual(
      inv.mms.map((a) => [a.client, a.server, a.requests, a.writes]),
      [['10.61.0.10:49152', '10.61.0.20:102', 9, 2]],
    );
  }
});

test('the stream reader refuses what it cannot read, and says why', () => {
  const ng = new PcapStreamReader();
  assert.deepEqual(ng.push(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(24).fill(0)])), []);
  assert.equal(ng.error, 'pcapng_not_supported_on_stream');
  const big = new PcapStreamReader();
  const header = substationCapture().subarray(0, 24);
  big.push(header);
  big.push(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0]));
  assert.equal(big.error, 'record_too_large');
  assert.equal(big.buffered, 0);
});
