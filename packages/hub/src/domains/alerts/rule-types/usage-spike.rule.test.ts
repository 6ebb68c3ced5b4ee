import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSnapshot } from '../../devices/index.js';
import type { LoadContext } from './rule-type.js';
import { usageSpikeRule, type UsageSpikeSource, type UsageWindowRecord } from './usage-spike.rule.js';

const NOW = Date.parse('2026-12-07T12:30:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MB = 1_000_000;
const dev = (id: string) => ({ id, name: id }) as DeviceSnapshot;
const ctx = (ids: string[], now = NOW) => ({ now, devices: ids.map(dev) }) as unknown as LoadContext;

function source(windows: Record<string, UsageWindowRecord>): UsageSpikeSource & { asked: number[][] } {
  const asked: number[][] = [];
  return {
    asked,
    async usageWindows(ids, baselineFrom, recentFrom) {
      asked.push([baselineFrom, recentFrom]);
      return new Map(ids.filter((i) => i in windows).map((i) => [i, windows[i]]));
    },
  };
}

describe('cellular_usage_spike rule type', () => {
  const old = NOW - 30 * DAY;
  it('fires above factor × the trailing daily average and the minimum, stays quiet otherwise', async () => {
    const s = source({
      // 7 days at 100 MB a day; 400 MB today: a spike.
      spike: { recentBytes: 400 * MB, baselineBytes: 700 * MB, firstHourMs: old },
      // 250 MB today is under 3 × 100 MB.
      normal: { recentBytes: 250 * MB, baselineBytes: 700 * MB, firstHourMs: old },
      // An idle device: 1 MB a week, 20 MB today — 140× but under the 50 MB floor.
      idle: { recentBytes: 20 * MB, baselineBytes: 7 * MB, firstHourMs: old },
      // Three hours old: no history to compare with.
      young: { recentBytes: 900 * MB, baselineBytes: 0, firstHourMs: NOW - 3 * HOUR },
    });
    const t = usageSpikeRule(s);
    const p = t.parse({});
    assert.deepEqual(p, { windowH: 24, factor: 3, minBytes: 50 * MB, baselineDays: 7 });
    const loaded = await t.load!(ctx(['spike', 'normal', 'idle', 'young', 'silent']), p);
    const st = (id: string) => t.evaluate(dev(id), p, loaded, NOW);
    const spike = st('spike');
    assert.equal(spike.status, 'breach');
    assert.ok(
      spike.status === 'breach' && spike.text.startsWith('400 MB in the last 24 h, over 3×'),
      JSON.stringify(spike),
    );
    assert.deepEqual(
      ['normal', 'idle', 'young', 'silent'].map((id) => st(id).status),
      ['ok', 'ok', 'ok', 'ok'],
    );
    // The window is whole hours ending with the current one; the baseline the 7 days before it.
    const recentFrom = Date.parse('2026-12-06T13:00:00Z');
    assert.deepEqual(s.asked, [[recentFrom - 7 * DAY, recentFrom]]);
  });

  it('a device with two days of history is held to the average of those two days', async () => {
    const t = usageSpikeRule(source({ d: { recentBytes: 350 * MB, baselineBytes: 200 * MB, firstHourMs: 0 } }));
    const p = t.parse({});
    const recentFrom = Date.parse('2026-12-06T13:00:00Z');
    const loaded = await t.load!(ctx(['d']), p);
    // Two days before the window: 100 MB a day, so 350 MB is a spike; over seven days it would not be.
    (loaded as { windows: Map<string, UsageWindowRecord> }).windows.get('d')!.firstHourMs = recentFrom - 2 * DAY;
    assert.equal(t.evaluate(dev('d'), p, loaded, NOW).status, 'breach');
  });

  it('scales the average to a shorter window', async () => {
    const t = usageSpikeRule(source({ d: { recentBytes: 120 * MB, baselineBytes: 1400 * MB, firstHourMs: 0 } }));
    const p = t.parse({ windowH: 6, minBytes: 10 * MB });
    const loaded = await t.load!(ctx(['d']), p);
    // 200 MB a day is 50 MB per 6 h; 120 MB in 6 h is above 3 × 50 MB? No: 150 MB is the bound.
    assert.equal(t.evaluate(dev('d'), p, loaded, NOW).status, 'ok');
    const p2 = t.parse({ windowH: 6, factor: 2, minBytes: 10 * MB });
    assert.equal(t.evaluate(dev('d'), p2, loaded, NOW).status, 'breach');
  });

  it('refuses parameters out of range with the path of the parameter', () => {
    const t = usageSpikeRule(source({}));
    assert.throws(() => t.parse({ factor: 1 }), /params.factor must be greater than 1/);
    assert.throws(() => t.parse({ windowH: 0.5 }), /params.windowH/);
    assert.throws(() => t.parse({ baselineDays: 60 }), /params.baselineDays/);
    assert.throws(() => t.parse({ spikes: 1 }), /spikes/);
  });
});
