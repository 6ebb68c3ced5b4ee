import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { offlineSpans } from './device-timeline.js';

const FROM = '2026-03-02T00:00:00.000Z';
const at = (h: number) => `2026-03-02T${String(h).padStart(2, '0')}:00:00.000Z`;

describe('offlineSpans', () => {
  const cases: Array<[string, string | null, Array<{ state: string; at: string }>, Array<[string, string | null]>]> = [
    ['nothing happened, online before', 'online', [], []],
    ['offline since before the window, still offline', 'offline', [], [[FROM, null]]],
    ['offline before, back at 2', 'offline', [{ state: 'online', at: at(2) }], [[FROM, at(2)]]],
    [
      'two stretches, the second still open',
      'online',
      [
        { state: 'offline', at: at(1) },
        { state: 'online', at: at(3) },
        { state: 'offline', at: at(5) },
      ],
      [
        [at(1), at(3)],
        [at(5), null],
      ],
    ],
    [
      'a repeated offline does not restart the stretch',
      null,
      [
        { state: 'offline', at: at(1) },
        { state: 'offline', at: at(2) },
        { state: 'online', at: at(4) },
      ],
      [[at(1), at(4)]],
    ],
  ];
  for (const [name, before, changes, want] of cases)
    it(name, () => {
      assert.deepEqual(
        offlineSpans(before, changes, FROM).map((m) => [m.at, m.until ?? null]),
        want,
      );
    });

  it('keeps the newest stretches when there are more than the limit', () => {
    const flaps = [1, 2, 3, 4, 5, 6].map((h) => ({ state: h % 2 ? 'offline' : 'online', at: at(h) }));
    assert.deepEqual(
      offlineSpans('online', flaps, FROM, 2).map((m) => m.at),
      [at(3), at(5)],
    );
  });
});
