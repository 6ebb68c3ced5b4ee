import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from './sim-system.js';
import { createSimProcess } from './sim-process.js';

describe('the simulated water site', () => {
  it('fills the tank while the pump runs, drains it while it stops, and cycles between the switch levels', () => {
    let t = 1_800_000_000_000;
    const p = createSimProcess({ random: prng(7), speed: 60, sensorFaultChance: 0, commLossChance: 0, now: () => t });
    const seen: Array<{ level: number; run: boolean }> = [];
    for (let i = 0; i < 3000; i++) {
      t += 2000; // two simulated minutes a step
      const r = Object.fromEntries(p.read().map((s) => [s.p, s]));
      assert.equal(r['tank.level'].q, 'good');
      seen.push({ level: r['tank.level'].v as number, run: r['pump1.run'].v as boolean });
      if (r['pump1.run'].v) assert.ok((r['pressure.discharge'].v as number) > 3.5);
      else assert.ok((r['pressure.discharge'].v as number) < 1);
    }
    const starts = seen.filter((s, i) => i > 0 && s.run && !seen[i - 1].run).length;
    assert.ok(starts >= 3, `the pump started ${starts} times`);
    assert.ok(
      seen.every((s) => s.level >= 1.5 && s.level <= 7.5),
      'level stays between the switch points',
    );
    // While running the level rises, while stopped it falls (over a few steps, past the noise).
    for (let i = 5; i < seen.length; i++) {
      if (seen.slice(i - 5, i + 1).every((s) => s.run)) assert.ok(seen[i].level > seen[i - 5].level);
      if (seen.slice(i - 5, i + 1).every((s) => !s.run)) assert.ok(seen[i].level < seen[i - 5].level);
    }
  });

  it('reports scripted faults as bad quality with a reason', () => {
    let t = 1_800_000_000_000;
    const p = createSimProcess({ random: prng(3), sensorFaultChance: 0, commLossChance: 0, now: () => t });
    p.fault('sensor', 10_000);
    t += 2000;
    const r = p.read();
    assert.deepEqual(
      r.filter((s) => s.q !== 'good').map((s) => [s.p, s.q, s.r]),
      [['tank.level', 'bad', 'sensor-fault']],
    );
    p.fault('comm', 10_000);
    t += 2000;
    assert.ok(p.read().every((s) => s.q === 'bad' && s.r === 'comm-lost' && s.v === null));
    t += 20_000;
    assert.ok(p.read().every((s) => s.q === 'good'));
  });
});
