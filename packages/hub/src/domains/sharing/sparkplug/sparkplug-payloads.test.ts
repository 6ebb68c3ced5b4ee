import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SharedPoint } from '../shared-points.js';
import {
  birthMetric,
  dataMetric,
  decode,
  encode,
  isRebirthRequest,
  nbirth,
  nextSeq,
  topicOf,
} from './sparkplug-payloads.js';

const point = (value: SharedPoint['value']): SharedPoint => ({
  deviceId: 'd1',
  def: { deviceId: 'd1', point: 'level', type: 'number', unit: '%', writable: false, writesEnabled: false },
  value,
  intervalMs: null,
});

describe('Sparkplug B payloads', () => {
  it('wraps seq after 255 and names topics by the 3.0 namespace', () => {
    assert.equal(nextSeq(254), 255);
    assert.equal(nextSeq(255), 0);
    assert.equal(topicOf('g', 'DBIRTH', 'e', 'd1'), 'spBv1.0/g/DBIRTH/e/d1');
  });

  it('carries quality as the Quality property (192 good, 0 bad with the reason) and a bad value as null', () => {
    const good = decode(
      encode({
        seq: 1,
        metrics: [
          birthMetric(
            point({ deviceId: 'd1', point: 'level', value: 4.5, quality: 'good', sourceTs: 1000, receivedAt: 1000 }),
            7,
            2000,
          ),
        ],
      }),
    );
    const m = good.metrics![0]!;
    assert.equal(m.name, 'level');
    assert.equal(m.type, 'Double');
    assert.equal(m.value, 4.5);
    assert.equal(m.properties?.Quality?.value, 192);
    assert.equal(m.properties?.engUnit?.value, '%');
    const bad = decode(
      encode({
        seq: 2,
        metrics: [
          dataMetric(
            point({
              deviceId: 'd1',
              point: 'level',
              value: null,
              quality: 'bad',
              reason: 'timeout',
              sourceTs: 3000,
              receivedAt: 3000,
            }),
            7,
          ),
        ],
      }),
    );
    const b = bad.metrics![0]!;
    assert.equal(b.name ?? null, null);
    assert.equal(b.value, null);
    assert.equal(b.properties?.Quality?.value, 0);
    assert.equal(b.properties?.QualityReason?.value, 'timeout');
  });

  it('puts bdSeq first in NBIRTH and tells a rebirth request', () => {
    const nb = decode(encode(nbirth(5, 1000)));
    assert.deepEqual(
      nb.metrics!.map((m) => m.name),
      ['bdSeq', 'Node Control/Rebirth'],
    );
    assert.ok(isRebirthRequest({ metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] }));
    assert.ok(!isRebirthRequest({ metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: false }] }));
  });
});
