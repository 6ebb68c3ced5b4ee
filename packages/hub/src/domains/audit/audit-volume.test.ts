import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../platform/manual-clock.js';
import { createAuditVolumeGuard } from './audit-volume.js';
import type { AuditEntry } from './audit.types.js';

const refusal = (id: string, action = 'api.refused'): AuditEntry => ({
  actor: { type: 'user', id, sourceIp: '10.0.0.9' },
  action,
  outcome: 'denied',
});

describe('audit volume bound', () => {
  it('admits an actor’s first records each minute and summarises the rest once', () => {
    const clock = createManualClock(Date.parse('2026-03-02T10:00:00.000Z'));
    const guard = createAuditVolumeGuard({ clock, perMinute: 3, maxActors: 100 });
    const admitted = Array.from({ length: 10 }, (_, i) =>
      guard.admit(refusal('ann', i % 2 ? 'api.refused' : 'auth.login')),
    );
    assert.deepEqual(admitted, [true, true, true, false, false, false, false, false, false, false]);
    assert.ok(guard.admit(refusal('bob')), 'another actor has its own bound');
    const [summary, ...rest] = guard.drain();
    assert.deepEqual(rest, []);
    assert.deepEqual(summary, {
      actor: { type: 'user', id: 'ann', sourceIp: '10.0.0.9' },
      action: 'audit.summarised',
      outcome: 'denied',
      details: {
        left_out: { 'api.refused': 4, 'auth.login': 3 },
        total: 7,
        from: '2026-03-02T10:00:00.000Z',
        to: '2026-03-02T10:00:00.000Z',
        perMinute: 3,
      },
    });
    assert.deepEqual(guard.drain(), [], 'summarised once');
    clock.set(Date.parse('2026-03-02T10:01:00.000Z'));
    assert.ok(guard.admit(refusal('ann')), 'a new minute admits again');
  });

  it('shares one bucket among actors past the tracked number, so memory stays bounded', () => {
    const clock = createManualClock(0);
    const guard = createAuditVolumeGuard({ clock, perMinute: 1, maxActors: 2 });
    assert.ok(guard.admit(refusal('a')));
    assert.ok(guard.admit(refusal('b')));
    assert.ok(guard.admit(refusal('c')));
    assert.equal(guard.admit(refusal('d')), false);
    const summary = guard.drain().find((s) => s.actor.id === 'many actors');
    assert.equal(summary?.details?.total, 1);
  });
});
