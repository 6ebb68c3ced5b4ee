import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latestMarkdown, mergeParts, partsOf, type Part } from './latest-results.js';
import { capacity, climb, climbEnds, saturatingSide, type Step } from './saturation.js';
import { appendHistory, historyTable, ratioOf, tableLine, type HistoryEntry, type Row } from './support.js';

const machine = { cpu: 'test cpu', cores: 2, memoryGb: 4, node: 'v20' };
const guard = 'guard overhead (4000 Modbus reads, enforce mode)';
const guardRows: Row[] = [
  { scenario: guard, metric: 'added median', value: 32.5, unit: 'µs', baseline: { name: 'socat', value: 149 } },
  { scenario: guard, metric: 'added p99', value: 65.5, unit: 'µs', baseline: { name: 'socat', value: 197 } },
  { scenario: guard, metric: 'direct median', value: 29.7, unit: 'µs' },
];
const part = (name: string, at: string, rows: Row[] = []): Part => ({ name, at, commit: `c-${at}`, rows });

describe('bench results: a figure beside its baseline and ratio', () => {
  it('tables the baseline with its unit and name, and the ratio value ÷ baseline', () => {
    assert.equal(tableLine(guardRows[0]), `| ${guard} | added median | 32.5 | µs | 149 µs (socat) | 0.22× |`);
  });

  it('leaves both columns empty for a figure without a baseline', () => {
    assert.equal(tableLine(guardRows[2]), `| ${guard} | direct median | 29.7 | µs |  |  |`);
  });

  it('gives no ratio against a baseline of zero or less, nor for a figure that is text', () => {
    const base = { scenario: 's', metric: 'm', unit: 'µs' };
    assert.equal(ratioOf({ ...base, value: 5, baseline: { name: 'socat', value: 0 } }), null);
    assert.equal(ratioOf({ ...base, value: 5, baseline: { name: 'socat', value: -3 } }), null);
    assert.equal(ratioOf({ ...base, value: 'skipped', baseline: { name: 'socat', value: 3 } }), null);
    assert.equal(ratioOf({ ...base, value: 6, baseline: { name: 'socat', value: 3 } }), 2);
  });
});

describe('bench results: history of the headline ratios', () => {
  it('records the ratio of each row with a baseline, by metric, rounded', () => {
    const [entry] = appendHistory([], { at: '2026-12-08T01:00:00.000Z', commit: 'abc1234', rows: guardRows });
    assert.deepEqual(entry, {
      at: '2026-12-08T01:00:00.000Z',
      commit: 'abc1234',
      ratios: { 'added median': 0.22, 'added p99': 0.33 },
    });
  });

  it('keeps the last ten runs, the newest last', () => {
    let history: HistoryEntry[] = [];
    for (let i = 0; i < 12; i++) history = appendHistory(history, { at: `run-${i}`, commit: `c${i}`, rows: guardRows });
    assert.equal(history.length, 10);
    assert.equal(history[0].at, 'run-2');
    assert.equal(history[9].at, 'run-11');
  });

  it('has one column per headline ratio, blank in the runs that did not measure it', () => {
    const history: HistoryEntry[] = [
      { at: '2026-12-08T01:00:00.000Z', commit: 'a', ratios: { 'relayed upload': 1.18 } },
      { at: '2026-12-08T02:00:00.000Z', commit: 'b', ratios: { 'added median': 0.22 } },
    ];
    const lines = historyTable(history);
    assert.equal(lines[2], '| date | commit | relayed upload | added median |');
    assert.equal(lines[4], '| 2026-12-08T01:00 | a | 1.18× |  |');
    assert.equal(lines[5], '| 2026-12-08T02:00 | b |  | 0.22× |');
  });

  it('has no history table while no run has a ratio', () => {
    assert.deepEqual(historyTable([{ at: 'x', commit: 'y', ratios: {} }]), []);
  });
});

describe('bench results: the latest table merged by scenario', () => {
  const order = ['connect', 'ingest', 'guard'];

  it('replaces the parts a run measured, keeps the others, and sorts them by scenario', () => {
    const kept = [part('guard', 'old'), part('connect', 'old'), part('ingest', 'old')];
    const merged = mergeParts(kept, [part('ingest', 'new')], order);
    assert.deepEqual(
      merged.map((p) => `${p.name}@${p.at}`),
      ['connect@old', 'ingest@new', 'guard@old'],
    );
  });

  it('puts a scenario it does not know after the known ones', () => {
    const merged = mergeParts([part('elsewhere', 'old')], [part('connect', 'new')], order);
    assert.deepEqual(
      merged.map((p) => p.name),
      ['connect', 'elsewhere'],
    );
  });

  it('reads a table written whole by an older run into its scenarios, dated as that run', () => {
    const parts = partsOf({
      at: '2026-12-02T14:48:43.508Z',
      rows: [
        { scenario: 'connect 10000', metric: 'time until all online', value: 121, unit: 's' },
        { scenario: 'ingest, 500 publishers', metric: 'hub CPU for the run', value: 31, unit: 'CPU s' },
        { scenario: 'reconnect storm 10000', metric: 'devices that gave up', value: 0, unit: '' },
      ],
    });
    assert.deepEqual(
      parts.map((p) => [p.name, p.rows.length, p.commit, p.at]),
      [
        ['connect', 2, 'unknown', '2026-12-02T14:48:43.508Z'],
        ['ingest', 1, 'unknown', '2026-12-02T14:48:43.508Z'],
      ],
    );
  });

  it('reads a table kept by scenario as it is, and nothing from an unreadable one', () => {
    const parts = [part('guard', 'now', guardRows)];
    assert.deepEqual(partsOf({ machine, parts }), parts);
    assert.deepEqual(partsOf(null), []);
  });

  it('writes each part under its date and commit, with the ratios in their columns and in the history', () => {
    const parts = [part('guard', '2026-12-08T01:00:00.000Z', guardRows)];
    const history = appendHistory([], { at: '2026-12-08T01:00:00.000Z', commit: 'c1', rows: guardRows });
    const md = latestMarkdown('latest', machine, parts, history).split('\n');
    assert.ok(md.includes('2026-12-08T01:00:00.000Z · commit c-2026-12-08T01:00:00.000Z'));
    assert.ok(md.includes(`| ${guard} | added p99 | 65.5 | µs | 197 µs (socat) | 0.33× |`));
    assert.ok(md.includes('| date | commit | added median | added p99 |'));
    assert.ok(md.includes('| 2026-12-08T01:00 | c1 | 0.22× | 0.33× |'));
  });
});

describe('bench ingest: the side that saturates', () => {
  const step = (rate: number, sent: number, taken: number, cpu: Record<string, number>): Step => ({
    rate,
    sent,
    taken,
    cpu,
  });

  it('names the receiver that fell behind even when the publishers were also short of the asked rate', () => {
    assert.equal(
      saturatingSide([step(16000, 14800, 9000, { hub: 0.99, publishers: 0.4 })]),
      'hub (0.99 CPU-s per s, took 9000 of 14800 msg/s offered)',
    );
  });

  it('ends the climb when the receiver fell behind, or the publishers were short and no longer rising', () => {
    assert.equal(climbEnds([step(8000, 8000, 7000, {})]), true);
    assert.equal(climbEnds([step(8000, 8000, 8000, {})]), false);
    // short of 16,000 but up from 8,000: the receiver has not been pushed to its limit yet
    assert.equal(climbEnds([step(8000, 8000, 8000, {}), step(16000, 14800, 14800, {})]), false);
    assert.equal(
      climbEnds([step(8000, 8000, 8000, {}), step(16000, 14800, 14800, {}), step(24000, 15000, 15000, {})]),
      true,
    );
    assert.equal(climbEnds([]), false);
  });

  it('names the publishers when they could not offer the asked rate', () => {
    const steps = [step(8000, 7990, 7990, { hub: 0.5, publishers: 1.9 }), step(16000, 11000, 11000, { hub: 0.7 })];
    assert.equal(saturatingSide(steps), 'the publishers (offered 11000 of 16000 msg/s)');
  });

  it('names the busiest receiving process when the receivers fell behind, never the publishers', () => {
    const steps = [step(16000, 16000, 12000, { hub: 0.98, publishers: 1.5 })];
    assert.equal(saturatingSide(steps), 'hub (0.98 CPU-s per s, took 12000 of 16000 msg/s offered)');
  });

  it('names the machine when the busiest receiver was short of a core and no core was idle', () => {
    const starved = step(32000, 31000, 17000, { hub: 0.31, publishers: 0.35 });
    assert.equal(
      saturatingSide([{ ...starved, idle: 0.02 }]),
      'the machine: no idle core (2 % idle); busiest receiver hub (0.31 CPU-s per s, took 17000 of 31000 msg/s offered)',
    );
    assert.equal(
      saturatingSide([{ ...starved, idle: 0.4 }]),
      'hub (0.31 CPU-s per s, took 17000 of 31000 msg/s offered)',
    );
  });

  it('says saturation was not reached when the top step kept up', () => {
    assert.equal(
      saturatingSide([step(2000, 2000, 1990, { hub: 0.1 })]),
      'not reached: every step kept up; raise the rates',
    );
    assert.equal(saturatingSide([]), 'no step ran');
  });

  it('reads the rate at saturation as the most taken in any step', () => {
    assert.equal(capacity([{ taken: 7990 }, { taken: 11500 }, { taken: 10000 }]), 11500);
    assert.equal(capacity([]), 0);
  });

  it('climbs past the listed rates, half as much again each step, a bounded number of times', () => {
    assert.deepEqual([...climb([500, 1000], 3)], [500, 1000, 1500, 2250, 3375]);
    assert.deepEqual([...climb([], 3)], []);
  });
});
