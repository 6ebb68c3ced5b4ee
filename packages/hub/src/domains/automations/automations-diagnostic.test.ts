import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase } from '../../storage/test-database.js';
import type { DiagnosticResult } from '../diagnostics/index.js';
import { ADMIN, EVERYONE, automationsWorld, createManualClock, fakeFleet } from './automations.fixture.js';

test('a diagnostic step keeps its output; one cut by a restart is not run again', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(Date.parse('2026-05-04T08:00:00Z'));
  const fleet = fakeFleet(clock, ['g1', 'g2']);
  const ran: string[] = [];
  const pending = new Map<string, (r: DiagnosticResult) => void>();
  const diagnostics = {
    runOn(deviceId: string, name: string): Promise<DiagnosticResult> {
      ran.push(deviceId);
      const result = {
        deviceId,
        name,
        status: 'ok' as const,
        exitCode: 0,
        stdout: `{"modem":"${deviceId}"}`,
        stderr: '',
        truncated: false,
        durationMs: 5,
      };
      if (deviceId === 'g1') return Promise.resolve(result);
      // g2's diagnostic is still running when the hub stops.
      return new Promise((resolve) => pending.set(deviceId, () => resolve(result)));
    },
  };
  const first = automationsWorld(db, clock, fleet, { diagnostics });
  try {
    await first.automations.create(ADMIN, EVERYONE, {
      name: 'modem-check',
      trigger: { kind: 'manual' },
      target: { kind: 'devices' },
      steps: [{ type: 'diagnostic', name: 'modem', param: 'status' }],
    });
    const run = await first.automations.run(ADMIN, EVERYONE, 'modem-check', {});
    await first.tick();
    await clock.advance(1000);
    await first.tick();
    const second = automationsWorld(db, clock, fleet, { diagnostics });
    await second.tick();
    await clock.advance(1000);
    await second.tick();
    const devices = await second.automations.runDevices(EVERYONE, run.id, { limit: 10 });
    assert.deepEqual(ran, ['g1', 'g2'], 'each device ran the diagnostic once');
    assert.equal(devices[0].state, 'succeeded');
    assert.deepEqual(devices[0].steps[0].output, {
      status: 'ok',
      exitCode: 0,
      stdout: '{"modem":"g1"}',
      stderr: '',
      truncated: false,
    });
    assert.equal(devices[1].state, 'failed');
    assert.match(devices[1].reason!, /the hub restarted while this step ran; it is not repeated/);
    assert.equal((await second.automations.runShow(EVERYONE, run.id)).state, 'partial');
  } finally {
    await close();
  }
});
