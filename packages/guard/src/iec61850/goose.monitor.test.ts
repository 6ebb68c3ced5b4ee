import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGoose, type GooseMessage } from './goose.decoder.js';
import { GooseMonitor } from './goose.monitor.js';
import { data, gooseApdu } from './iec61850.fixture.js';
import { goose } from './iec61850-capture.fixture.js';

const MAC = '00:30:a7:11:22:33';

// The data set holds the trip flag only: it changes exactly when `trip` does.
function msg(stNum: number, sqNum: number, trip: boolean, over = {}): GooseMessage {
  const r = decodeGoose(
    Uint8Array.from(gooseApdu(goose(stNum, sqNum, trip, { allData: [data.boolean(trip)], ...over }))),
  );
  assert.ok(r.ok);
  return r.goose;
}

/** Feeds [stNum, sqNum, trip, ms] messages and returns the event types after the first. */
function run(steps: Array<[number, number, boolean, number]>, m = new GooseMonitor()): string[] {
  const types: string[] = [];
  steps.forEach(([st, sq, trip, ts], i) => {
    const events = m.observe(msg(st, sq, trip), MAC, ts);
    if (i > 0) types.push(...events.map((e) => e.type.replace('iec61850.goose_', '')));
  });
  return types;
}

test('a healthy publisher raises only its first sighting and its state changes', () => {
  const m = new GooseMonitor();
  const first = m.observe(msg(1, 0, false), MAC, 0);
  assert.deepEqual(
    first.map((e) => e.type),
    ['iec61850.goose_publisher'],
  );
  assert.equal(first[0].data.gocbRef, 'IED1LD0/LLN0$GO$gcbTrip');
  const later = run(
    [
      [1, 0, false, 0],
      [1, 1, false, 1000],
      [1, 2, false, 2000],
      [2, 0, true, 2100],
      [2, 1, true, 2104],
    ],
    m,
  );
  assert.deepEqual(later, ['state_change']);
});

test('sequence anomalies, each named', () => {
  const table: Array<[string, Array<[number, number, boolean, number]>, string[]]> = [
    [
      'sqNum gap',
      [
        [1, 0, false, 0],
        [1, 1, false, 10],
        [1, 4, false, 20],
      ],
      ['sq_gap'],
    ],
    [
      'sqNum repeated (replayed retransmission)',
      [
        [1, 0, false, 0],
        [1, 1, false, 10],
        [1, 1, false, 20],
      ],
      ['replay'],
    ],
    [
      'stNum rollback (replay of an old state)',
      [
        [5, 0, true, 0],
        [5, 1, true, 10],
        [3, 0, false, 20],
      ],
      ['replay'],
    ],
    [
      'stNum jump without data change',
      [
        [1, 0, false, 0],
        [2, 0, false, 10],
      ],
      ['st_without_change'],
    ],
    [
      'state changes missed',
      [
        [1, 0, false, 0],
        [4, 0, true, 10],
      ],
      ['st_gap', 'state_change'],
    ],
    [
      'publisher restart to stNum 1',
      [
        [9, 3, true, 0],
        [1, 0, false, 10],
      ],
      ['restarted'],
    ],
    [
      'counters wrap around',
      [
        [0xffffffff, 0xffffffff, false, 0],
        [0xffffffff, 1, false, 10],
        [0, 0, true, 20],
      ],
      ['state_change'],
    ],
    [
      'time allowed to live passed between frames',
      [
        [1, 0, false, 0],
        [1, 1, false, 2500],
        [1, 2, false, 3000],
      ],
      ['ttl_expired'],
    ],
  ];
  for (const [name, steps, expected] of table) assert.deepEqual(run(steps), expected, name);
});

test('a replayed frame leaves the publisher state as it was', () => {
  const m = new GooseMonitor();
  run(
    [
      [5, 0, true, 0],
      [5, 1, true, 10],
      [2, 7, false, 20],
    ],
    m,
  );
  assert.deepEqual(
    run(
      [
        [5, 1, true, 10],
        [5, 2, true, 30],
      ],
      m,
    ),
    [],
  );
});

test('silence past timeAllowedToLive is reported once by the clock', () => {
  const m = new GooseMonitor();
  m.observe(msg(1, 0, false), MAC, 1000);
  assert.deepEqual(m.tick(2999), []);
  const late = m.tick(3001);
  assert.deepEqual(
    late.map((e) => [e.type, e.data.silentMs]),
    [['iec61850.goose_ttl_expired', 2001]],
  );
  assert.deepEqual(m.tick(9000), []);
  assert.deepEqual(
    m.observe(msg(1, 1, false), MAC, 9000).map((e) => e.type),
    ['iec61850.goose_resumed'],
  );
});

test('a second MAC publishing a known control block is a conflict; the first keeps its state', () => {
  const m = new GooseMonitor();
  m.observe(msg(1, 0, false), MAC, 0);
  const spoof = m.observe(msg(9, 0, true), '02:00:00:00:00:66', 5);
  assert.deepEqual(
    spoof.map((e) => [e.type, e.data.knownMac]),
    [['iec61850.goose_publisher_conflict', MAC]],
  );
  assert.deepEqual(m.observe(msg(1, 1, false), MAC, 10), []);
});

test('configuration revision and simulation flags are reported', () => {
  const m = new GooseMonitor();
  m.observe(msg(1, 0, false), MAC, 0);
  const types = m.observe(msg(1, 1, false, { confRev: 4, simulation: true }), MAC, 10).map((e) => e.type);
  assert.deepEqual(types, ['iec61850.goose_config_changed', 'iec61850.goose_simulated']);
});

test('publications tracked are bounded', () => {
  const m = new GooseMonitor(3);
  for (let i = 0; i < 10; i++) m.observe(msg(1, 0, false, { gocbRef: `LD0/LLN0$GO$g${i}` }), MAC, i);
  const inv = m.inventory();
  assert.deepEqual(
    inv.publications.map((p) => p.gocbRef),
    ['LD0/LLN0$GO$g7', 'LD0/LLN0$GO$g8', 'LD0/LLN0$GO$g9'],
  );
  assert.equal(inv.forgotten, 7);
});
