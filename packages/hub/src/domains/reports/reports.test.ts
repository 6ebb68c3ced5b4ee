import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addToBuckets, onlineIntervals } from './report-availability.js';
import { toCsv as csv } from '@outpost/protocol';
import { renderFleetCsv } from './report-render.js';
import type { FleetReport } from './report-data.js';
import { barChart, hbarChart, lineChart } from './svg-charts.js';
import { nextCronRun } from './reports.service.js';
import { withRollups } from './report-metrics.js';

const T = (s: string) => Date.parse(`2026-03-02T${s}Z`);

describe('report building blocks', () => {
  it('splits online time into clock buckets', () => {
    const iv = onlineIntervals(
      'offline',
      [
        { state: 'online', at: '2026-03-02T10:30:00Z' },
        { state: 'offline', at: '2026-03-02T12:15:00Z' },
      ],
      T('10:00:00'),
      T('13:00:00'),
    );
    assert.deepEqual(iv, [[T('10:30:00'), T('12:15:00')]]);
    const acc = [0, 0, 0];
    addToBuckets(acc, iv, T('10:00:00'), 3_600_000);
    assert.deepEqual(
      acc.map((ms) => ms / 60_000),
      [30, 60, 15],
    );
  });

  it('writes RFC 4180 CSV', () => {
    assert.equal(
      csv([
        ['a', 'b,c'],
        ['say "hi"', null],
        [1, 'x\ny'],
      ]),
      'a,"b,c"\r\n"say ""hi""",\r\n1,"x\ny"\r\n',
    );
  });

  it('defuses formulas in the fleet CSV (a device name is operator- or device-supplied text)', () => {
    const device = {
      id: 'd1',
      name: '=HYPERLINK("http://x","y")',
      model: '@SUM(1)',
      firmware: '+1',
      presence: 'online',
      availabilityPct: -1,
      offlineS: 0,
      offlinePeriods: 0,
      health: 'ok',
      alerts: 0,
      trafficBytes: 0,
    };
    const lines = renderFleetCsv({ devices: [device] } as unknown as FleetReport).split('\r\n');
    assert.equal(lines[1], `d1,"'=HYPERLINK(""http://x"",""y"")",'@SUM(1),'+1,online,-1,0,0,ok,0,0`);
  });

  it('draws charts with escaped labels and values written out', () => {
    const svg = hbarChart({ title: 'Top <talkers>', bars: [{ label: '<script>alert(1)</script>', value: 3 }] });
    assert.ok(!svg.includes('<script>') && svg.includes('&lt;script&gt;'));
    assert.match(
      barChart({
        title: 'x',
        bars: [
          { label: '01h', value: 42 },
          { label: '02h', value: null },
        ],
      }),
      />42<\/text>.*>–<\/text>/s,
    );
    assert.match(lineChart({ title: 'cpu', points: [] }), /no data in this period/);
  });

  it('charts hourly roll-ups for the part of a period older than the raw samples', () => {
    const hourly = [
      {
        deviceId: 'd',
        hour: '2026-03-01T08:00:00.000Z',
        samples: 120,
        stats: { cpuPct: { avg: 20, min: 5, max: 60 } },
      },
      {
        deviceId: 'd',
        hour: '2026-03-02T08:00:00.000Z',
        samples: 120,
        stats: { cpuPct: { avg: 30, min: 5, max: 70 } },
      },
    ];
    const raw = { cpuPct: [{ at: '2026-03-02T08:00:00.000Z', avg: 31, max: 71 }] };
    assert.deepEqual(withRollups(raw, hourly, '2026-03-02T08:00:00.000Z').cpuPct, [
      { at: '2026-03-01T08:00:00.000Z', avg: 20, max: 60 },
      ...raw.cpuPct,
    ]);
  });

  it('computes the next run of a cron expression in a time zone', () => {
    // 07:30 in Berlin is 06:30 UTC in winter and 05:30 UTC in summer.
    assert.equal(
      nextCronRun('30 7 * * *', 'Europe/Berlin', new Date('2026-03-02T12:00:00Z'))?.toISOString(),
      '2026-03-03T06:30:00.000Z',
    );
    assert.equal(
      nextCronRun('30 7 * * *', 'Europe/Berlin', new Date('2026-07-01T12:00:00Z'))?.toISOString(),
      '2026-07-02T05:30:00.000Z',
    );
    assert.equal(
      nextCronRun('0 8 * * 1', 'UTC', new Date('2026-03-02T08:00:00Z'))?.toISOString(),
      '2026-03-09T08:00:00.000Z',
    );
    assert.throws(
      () => nextCronRun('0 8 * * 8', 'UTC', new Date()),
      (e: { details: { path: string } }) => e.details.path === '/cron',
    );
    assert.throws(
      () => nextCronRun('0 8 * * *', 'Europe/Atlantis', new Date()),
      (e: { details: { path: string } }) => e.details.path === '/timezone',
    );
  });
});
