import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataHistory } from '@outpost/protocol';
import { ageText, valueText } from '../src/pages/data/data-format.js';
import { align, trendCsv } from '../src/pages/data/trend-data.js';
import { intervalFor, rangeOf, readTrendState, trendHref } from '../src/pages/data/trend-state.js';
import {
  EMPTY_FIELDS,
  dataMonitorParams,
  describeDataMonitor,
  fieldsOf,
} from '../src/pages/alerts/data-monitor-params.js';

const H = 3_600_000;

describe('trend state in the address', () => {
  it('round-trips series and range, and drops what it cannot read', () => {
    const href = trendHref({
      series: [
        { deviceId: 'sim-00001', point: 'tank.level' },
        { deviceId: 'sim-00002', point: 'flow.in' },
      ],
      range: { preset: '7d' },
    });
    const state = readTrendState(new URL(href, 'https://x').searchParams);
    assert.deepEqual(state, {
      series: [
        { deviceId: 'sim-00001', point: 'tank.level' },
        { deviceId: 'sim-00002', point: 'flow.in' },
      ],
      range: { preset: '7d' },
    });
    const odd = readTrendState(new URLSearchParams('s=nocolon&s=UPPER:x&s=d1:Bad Point&s=d1:ok&s=d1:ok&range=2y'));
    assert.deepEqual(odd, { series: [{ deviceId: 'd1', point: 'ok' }], range: { preset: '1h' } });
    const fixed = readTrendState(new URLSearchParams('from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z'));
    assert.deepEqual(fixed.range, { from: Date.parse('2026-12-01T00:00:00Z'), to: Date.parse('2026-12-02T00:00:00Z') });
    // A range that ends before it starts is no range.
    const back = readTrendState(new URLSearchParams('from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z&range=24h'));
    assert.deepEqual(back.range, { preset: '24h' });
    assert.deepEqual(rangeOf({ preset: '24h' }, 100 * H), { from: 76 * H, to: 100 * H });
  });

  it('holds at most eight series', () => {
    const q = new URLSearchParams(Array.from({ length: 12 }, (_, i) => `s=d${i}:p`).join('&'));
    assert.equal(readTrendState(q).series.length, 8);
  });

  it('picks the tier from the range', () => {
    const table: Array<[number, DataHistory['interval']]> = [
      [H, 'raw'],
      [6 * H, 'raw'],
      [24 * H, '1m'],
      [48 * H, '1m'],
      [7 * 24 * H, '1h'],
      [30 * 24 * H, '1h'],
      [365 * 24 * H, '1d'],
    ];
    for (const [ms, interval] of table) assert.equal(intervalFor(ms), interval, `${ms / H} h`);
  });
});

describe('series on one time axis', () => {
  const history = (point: string, interval: DataHistory['interval'], rows: DataHistory['rows']): DataHistory => ({
    deviceId: 'd1',
    point,
    interval,
    aggregate: 'mean',
    from: '2026-12-07T00:00:00.000Z',
    to: '2026-12-07T01:00:00.000Z',
    rows,
    truncated: false,
  });

  it('aligns raw and rolled-up series on the union of their times, bad readings left out', () => {
    const series = [
      {
        ref: { deviceId: 'd1', point: 'a' },
        history: history('a', 'raw', [
          { ts: '2026-12-07T00:00:00.000Z', value: 1 },
          { ts: '2026-12-07T00:02:00.000Z', value: 5, quality: 'bad', reason: 'timeout' },
          { ts: '2026-12-07T00:03:00.000Z', value: true },
        ]),
      },
      {
        ref: { deviceId: 'd2', point: 'b' },
        history: history('b', '1m', [{ ts: '2026-12-07T00:01:00.000Z', value: 2, min: 1, max: 3, mean: 2 }]),
      },
    ];
    const a = align(series);
    assert.deepEqual(
      a.xs,
      ['00:00', '00:01', '00:02', '00:03'].map((t) => Date.parse(`2026-12-07T${t}:00Z`) / 1000),
    );
    assert.deepEqual(a.columns[0], { key: 'd1:a', value: [1, null, null, 1] });
    assert.deepEqual(a.columns[1], {
      key: 'd2:b',
      value: [null, 2, null, null],
      min: [null, 1, null, null],
      max: [null, 3, null, null],
    });
    const csv = trendCsv(series, new Map([['d2:b', 'm']])).split('\r\n');
    assert.equal(csv[0], 'ts,d1:a,d2:b (m),d2:b min,d2:b max');
    assert.equal(csv[2], '2026-12-07T00:01:00.000Z,,2,1,3');
    assert.equal(csv.length, 6, 'four rows, the header and the closing line end');
  });
});

describe('data monitor parameters', () => {
  it('builds each type’s params from the form', () => {
    const f = { ...EMPTY_FIELDS, point: 'tank.level' };
    assert.deepEqual(
      dataMonitorParams('data_threshold', { ...f, direction: 'below', threshold: '2', hysteresis: '0.25' }),
      { params: { point: 'tank.level', threshold: 2, hysteresis: 0.25, direction: 'below' } },
    );
    assert.deepEqual(dataMonitorParams('data_rate', { ...f, direction: 'up', perMinute: '0.5', windowS: '60' }), {
      params: { point: 'tank.level', perMinute: 0.5, windowS: 60, direction: 'up' },
    });
    assert.deepEqual(dataMonitorParams('data_stale', { ...f, afterS: '600' }), {
      params: { point: 'tank.level', afterS: 600 },
    });
    assert.deepEqual(dataMonitorParams('data_state', { ...f, states: ' tripped \n\n3\n' }), {
      params: { point: 'tank.level', states: ['tripped', '3'] },
    });
    assert.deepEqual(dataMonitorParams('data_quality', { ...f, qualities: ['bad', 'uncertain'] }), {
      params: { point: 'tank.level', qualities: ['bad', 'uncertain'] },
    });
  });

  it('names the field the hub would refuse, and why', () => {
    const f = { ...EMPTY_FIELDS, point: 'tank.level', direction: 'above', threshold: '5' };
    const refused: Array<[Parameters<typeof dataMonitorParams>, string, RegExp]> = [
      [['data_threshold', { ...f, point: 'Tank Level' }], 'point', /^Point: lowercase/],
      [['data_threshold', { ...f, threshold: '' }], 'threshold', /must be a number/],
      [['data_threshold', { ...f, hysteresis: '-1' }], 'hysteresis', /at least 0/],
      [['data_threshold', { ...f, direction: 'sideways' }], 'direction', /above or below/],
      [['data_rate', { ...f, direction: 'up', perMinute: '0' }], 'perMinute', /greater than 0/],
      [['data_rate', { ...f, direction: 'up', perMinute: '1', windowS: '5' }], 'windowS', /at least 10/],
      [['data_rate', { ...f, direction: 'up', perMinute: '1', windowS: '700000' }], 'windowS', /at most 604800/],
      [['data_stale', { ...f, afterS: '0' }], 'afterS', /at least 1/],
      [['data_state', { ...f, states: '  \n ' }], 'states', /one to 50/],
      [['data_state', { ...f, states: 'x'.repeat(257) }], 'states', /256 characters/],
      [['data_quality', { ...f, qualities: [] }], 'qualities', /at least one/],
    ];
    for (const [args, field, message] of refused) {
      const r = dataMonitorParams(...args);
      assert.ok('error' in r, `${args[0]} ${field} refused`);
      assert.equal(r.field, field);
      assert.match(r.error, message);
    }
  });

  it('reads stored params back into the form and describes them in words', () => {
    const params = { point: 'pump1.run', states: ['false', '3'] };
    assert.equal(fieldsOf('data_state', params).states, 'false\n3');
    assert.equal(fieldsOf('data_rate', { point: 'x' }).direction, 'either');
    assert.equal(
      describeDataMonitor('data_threshold', { point: 'tank.level', direction: 'above', threshold: 7, hysteresis: 0.5 }),
      'tank.level above 7 (resolves at 6.5 or below)',
    );
    assert.equal(
      describeDataMonitor('data_threshold', { point: 'fuel', direction: 'below', threshold: 20, hysteresis: 0 }),
      'fuel below 20',
    );
    assert.equal(describeDataMonitor('data_state', params), 'pump1.run is “false” or “3”');
    assert.equal(describeDataMonitor('data_stale', { point: 'x' }), 'x has no new value for 900 s');
    assert.equal(describeDataMonitor('offline', {}), null);
  });
});

describe('value and age text', () => {
  it('reads like the table shows it', () => {
    assert.equal(valueText(6.0519999, 'm'), '6.052 m');
    assert.equal(valueText(true), 'true');
    assert.equal(valueText(null, 'm'), '–');
    assert.equal(ageText(12), '12 s ago');
    assert.equal(ageText(125), '2 min ago');
    assert.equal(ageText(null), 'no reading yet');
  });
});
