import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { StreamDefinition, StreamValue } from '../streams/index.js';
import { pointStatus } from './point-status.js';
import { createSharedPoints, type SharingChange } from './shared-points.js';
import { statusOfFailure } from './scada-writes.js';

const def = (point: string, type: StreamDefinition['type'] = 'number'): StreamDefinition => ({
  deviceId: 'd1',
  point,
  type,
  writable: false,
  writesEnabled: false,
});
const val = (point: string, value: StreamValue['value'], sourceTs: number, extra: Partial<StreamValue> = {}) => ({
  deviceId: 'd1',
  point,
  value,
  quality: 'good' as const,
  sourceTs,
  receivedAt: sourceTs,
  ...extra,
});

function setup(defs: StreamDefinition[] = [], online = true) {
  const store = { defs };
  const points = createSharedPoints({
    streams: { definitions: async () => store.defs, latest: async () => [] },
    isOnline: () => online,
    logger: pino({ level: 'silent' }),
    maxPoints: 3,
  });
  const changes: SharingChange[] = [];
  points.subscribe((c) => changes.push(c));
  return { store, points, changes };
}

describe('shared points', () => {
  it('asks for definitions when values name an unknown point, then keeps the newest value by source time', async () => {
    const { store, points, changes } = setup();
    store.defs = [def('level')];
    await points.onValues('d1', [val('level', 1, 1000)]);
    assert.deepEqual(
      changes.map((c) => c.kind),
      ['definitions', 'values'],
    );
    await points.onValues('d1', [val('level', 2, 3000)]);
    await points.onValues('d1', [val('level', 9, 2000)]);
    assert.equal(points.point('d1', 'level')?.value?.value, 2, 'an older value does not replace a newer one');
    assert.equal(points.point('d1', 'level')?.intervalMs, 2000);
    await points.onValues('d1', [val('level', null, 4000, { quality: 'bad', reason: 'timeout' })]);
    assert.equal(points.point('d1', 'level')?.value?.quality, 'bad');
  });

  it('holds at most maxPoints points', async () => {
    const { store, points } = setup();
    store.defs = ['a', 'b', 'c', 'd'].map((p) => def(p));
    await points.refreshDefinitions('d1');
    assert.equal(points.pointCount(), 3);
  });

  it('judges status: disconnected first, then bad with the reason, then stale, then the quality', async () => {
    const { store, points } = setup();
    store.defs = [def('level')];
    await points.onValues('d1', [val('level', 1, 1000)]);
    await points.onValues('d1', [val('level', 2, 2000)]);
    const dev = points.device('d1')!;
    const p = points.point('d1', 'level')!;
    const rules = { staleFactor: 3, defaultIntervalMs: 60_000 };
    assert.equal(pointStatus(dev, p, 2500, rules), 'Good');
    assert.equal(pointStatus(dev, p, 2000 + 3001, rules), 'UncertainLastUsableValue');
    points.setOnline('d1', false);
    assert.equal(pointStatus(dev, p, 2500, rules), 'BadNoCommunication');
    points.setOnline('d1', true);
    await points.onValues('d1', [val('level', null, 3000, { quality: 'bad', reason: 'timeout' })]);
    assert.equal(pointStatus(dev, p, 3000, rules), 'BadTimeout');
    await points.onValues('d1', [val('level', 3, 4000, { quality: 'uncertain' })]);
    assert.equal(pointStatus(dev, p, 4000, rules), 'Uncertain');
  });
});

describe('the status SCADA sees for a refused write', () => {
  it('follows the code the agent put first, and the words of older agents', () => {
    assert.deepEqual(
      [
        'blocked_by_guard: the guard refused the write: ungranted_write',
        'point_not_writable: point "temp" is not declared writable',
        'device_unreachable: no way to the device: comm-lost',
        'value_wrong_type: expected a number',
        'guard: write to holding 40010 denied (no write grant)',
        'modbus exception 4',
        null,
      ].map(statusOfFailure),
      [
        'BadUserAccessDenied',
        'BadNotWritable',
        'BadNoCommunication',
        'BadTypeMismatch',
        'BadUserAccessDenied',
        'BadDeviceFailure',
        'BadDeviceFailure',
      ],
    );
  });
});
