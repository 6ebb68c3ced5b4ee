import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { FeatureContext } from '../core/feature.js';
import { createManualClock } from '../core/manual-clock.js';
import { silentLogger } from '../core/ports.js';
import { createSubstationMonitorFeature } from './substation-monitor.feature.js';
// Capture builders of the guard package's tests: the same generated GOOSE and MMS traffic.
import { buildPcap } from '../../../guard/src/capture/capture.fixture.js';
import { data, gooseFrame } from '../../../guard/src/iec61850/iec61850.fixture.js';
import { goose, substationCapture } from '../../../guard/src/iec61850/iec61850-capture.fixture.js';

interface Emitted {
  type: string;
  severity: string;
  data?: Record<string, unknown>;
}

function context(startMs: number) {
  const clock = createManualClock(startMs);
  const events: Emitted[] = [];
  const ctx: FeatureContext = {
    deviceId: 'dev-1',
    clock,
    logger: silentLogger,
    publish: async () => {},
    emit: async (type, severity, d) => void events.push({ type, severity, data: d }),
    online: () => true,
  };
  return { ctx, clock, events };
}

/** Writes the capture into the stream in pieces, as a pipe delivers it. */
function pipeIn(stream: PassThrough, bytes: Uint8Array, piece = 333): void {
  for (let at = 0; at < bytes.length; at += piece) stream.write(Buffer.from(bytes.subarray(at, at + piece)));
  stream.end();
}

const T0_MS = 1_796_000_000_000;

// A publisher that loses frames, is replayed, is spoofed from a second MAC and then falls silent.
function anomalousGoose(): Uint8Array {
  const trip = (on: boolean) => ({ allData: [data.boolean(on)] });
  const specs = [
    goose(1, 0, false, trip(false)),
    goose(1, 1, false, trip(false)),
    goose(1, 4, false, trip(false)),
    goose(2, 0, false, trip(false)),
    goose(3, 0, true, trip(true)),
    goose(1, 1, false, trip(false)),
    goose(9, 0, false, { ...trip(false), src: [0x02, 0, 0, 0, 0, 0x66] }),
  ];
  return buildPcap(specs.map((g, i) => ({ data: gooseFrame(g), tsUs: (T0_MS + i * 100) * 1000 })));
}

test('a GOOSE capture piped in becomes inventory and anomaly events', async () => {
  const input = new PassThrough();
  const feature = createSubstationMonitorFeature({ input, tickMs: 500 });
  const { ctx, clock, events } = context(T0_MS + 600);
  await feature.start!(ctx);
  pipeIn(input, anomalousGoose());
  await feature.ended();
  assert.deepEqual(
    events.map((e) => e.type),
    [
      'iec61850.goose_publisher',
      'iec61850.goose_sq_gap',
      'iec61850.goose_st_without_change',
      'iec61850.goose_state_change',
      'iec61850.goose_replay',
      'iec61850.goose_publisher_conflict',
      'iec61850.capture_ended',
    ],
  );
  const gap = events[1].data!;
  assert.deepEqual([gap.missed, gap.capturedAt], [2, T0_MS + 200]);
  assert.equal(events[4].severity, 'critical');
  assert.equal(events[4].data!.reason, 'stNum_rollback');
  // The last real frame was at +400 ms; 2 s (timeAllowedToLive) later the clock reports the silence once.
  await clock.advance(1500);
  assert.equal(events.filter((e) => e.type === 'iec61850.goose_ttl_expired').length, 0);
  await clock.advance(1000);
  await clock.advance(5000);
  const expired = events.filter((e) => e.type === 'iec61850.goose_ttl_expired');
  assert.equal(expired.length, 1);
  assert.equal(expired[0].severity, 'critical');
  assert.deepEqual(
    feature.inventory().goose.map((p) => [p.gocbRef, p.mac, p.stNum, p.expired]),
    [['IED1LD0/LLN0$GO$gcbTrip', '00:30:a7:11:22:33', 3, true]],
  );
  feature.stop!();
});

test('MMS writes and controls are reported with object names; the inventory is reported on its interval', async () => {
  const input = new PassThrough();
  const feature = createSubstationMonitorFeature({ input, inventoryIntervalMs: 60_000, tickMs: 60_000 });
  const { ctx, clock, events } = context(T0_MS);
  await feature.start!(ctx);
  pipeIn(input, substationCapture(), 97);
  await feature.ended();
  const control = events.find((e) => e.type === 'iec61850.mms_control');
  assert.deepEqual(control?.data?.objects, ['IED1LD0/CSWI1$CO$Pos$Oper', 'IED1LD0/LLN0$SP$x']);
  assert.equal(control?.severity, 'warning');
  assert.deepEqual(events.find((e) => e.type === 'iec61850.mms_association')?.data?.server, '10.61.0.20:102');
  await clock.advance(60_000);
  const inv = events.find((e) => e.type === 'iec61850.inventory');
  assert.deepEqual([inv?.data?.publications, inv?.data?.associations], [1, 1]);
  feature.stop!();
});

test('repeated events are held back per type and counted', async () => {
  const input = new PassThrough();
  const feature = createSubstationMonitorFeature({ input, burst: 2, windowMs: 10_000, tickMs: 1000 });
  const { ctx, clock, events } = context(T0_MS);
  await feature.start!(ctx);
  // Ten sqNum gaps in a row.
  const specs = Array.from({ length: 11 }, (_, i) => goose(1, i * 2, false));
  pipeIn(input, buildPcap(specs.map((g, i) => ({ data: gooseFrame(g), tsUs: (T0_MS + i) * 1000 }))));
  await feature.ended();
  assert.equal(events.filter((e) => e.type === 'iec61850.goose_sq_gap').length, 2);
  await clock.advance(11_000);
  const held = events.find((e) => e.type === 'iec61850.events_suppressed');
  assert.deepEqual([held?.data?.eventType, held?.data?.count], ['iec61850.goose_sq_gap', 8]);
  feature.stop!();
});

test('input that is not a pcap stream is reported, and nothing else is read', async () => {
  const input = new PassThrough();
  const feature = createSubstationMonitorFeature({ input });
  const { ctx, events } = context(T0_MS);
  await feature.start!(ctx);
  pipeIn(input, Uint8Array.from(Buffer.from('this is not a capture, it is text from the wrong command\n')));
  await feature.ended();
  assert.deepEqual(
    events.map((e) => [e.type, e.data?.reason]),
    [
      ['iec61850.capture_unreadable', 'unknown_magic'],
      ['iec61850.capture_ended', 'unknown_magic'],
    ],
  );
  feature.stop!();
});
