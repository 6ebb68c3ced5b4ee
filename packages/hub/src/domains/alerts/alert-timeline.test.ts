import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hourlyTimeline } from './alert-timeline.js';

describe('hourlyTimeline', () => {
  const now = new Date('2026-03-02T10:25:00.000Z');

  it('has one bucket an hour, oldest first, zeros where nothing fired', () => {
    const t = hourlyTimeline([], now, 3);
    assert.deepEqual(
      t.map((b) => b.at),
      ['2026-03-02T07:00:00.000Z', '2026-03-02T08:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-02T10:00:00.000Z'],
    );
    assert.ok(t.every((b) => b.info === 0 && b.warning === 0 && b.critical === 0));
  });

  it('adds the counts to their hour and severity and leaves out rows outside the window or of unknown severity', () => {
    const t = hourlyTimeline(
      [
        { hour: '2026-03-02T09', severity: 'critical', n: 2 },
        { hour: '2026-03-02T09', severity: 'warning', n: 1 },
        { hour: '2026-03-02T10', severity: 'info', n: 4 },
        { hour: '2026-03-01T09', severity: 'critical', n: 9 },
        { hour: '2026-03-02T10', severity: 'bogus', n: 9 },
      ],
      now,
      1,
    );
    assert.deepEqual(t, [
      { at: '2026-03-02T09:00:00.000Z', info: 0, warning: 1, critical: 2 },
      { at: '2026-03-02T10:00:00.000Z', info: 4, warning: 0, critical: 0 },
    ]);
  });
});
