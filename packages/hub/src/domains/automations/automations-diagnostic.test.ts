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

test('a diagnostic step waits for a device out of reach until its deadline: sent once when it returns, a timeout if it does not', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(Date.parse('2026-05-04T08:00:00Z'));
  const fleet = fakeFleet(clock, ['back', 'away', 'flaky']);
  const ran: string[] = [];
  let flakyAnswers = 0;
  const diagnostics = {
    async runOn(deviceId: string, name: string): Promise<DiagnosticResult> {
      ran.push(deviceId);
      // `flaky` looks online but its link is not ready the first time it is asked.
      const offline = deviceId === 'flaky' && flakyAnswers++ === 0;
      return {
        deviceId,
        name,
        status: offline ? 'offline' : 'ok',
        stdout: offline ? '' : 'modem reset',
        stderr: '',
        truncated: false,
        durationMs: 5,
      };
    },
  };
  const w = automationsWorld(db, clock, fleet, { diagnostics });
  try {
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'modem-reset',
      trigger: { kind: 'manual' },
      target: { kind: 'devices' },
      steps: [{ type: 'diagnostic', name: 'modem-reset', timeoutS: 300 }],
      guards: { offline: 'proceed', cooldownMin: 0 },
    });
    fleet.setPresence('back', 'offline', clock.now());
    fleet.setPresence('away', 'offline', clock.now());
    const run = await w.automations.run(ADMIN, EVERYONE, 'modem-reset', {});
    for (let i = 0; i < 5; i++) {
      await w.tick();
      await clock.advance(10_000);
    }
    assert.deepEqual(ran.sort(), ['flaky', 'flaky'], 'nothing sent to a device out of reach; flaky asked again');
    fleet.setPresence('back', 'online', clock.now());
    for (let i = 0; i < 3; i++) {
      await w.tick();
      await clock.advance(10_000);
    }
    await clock.advance(300_000);
    for (let i = 0; i < 3; i++) await w.tick();
    const rows = new Map((await w.automations.runDevices(EVERYONE, run.id, { limit: 10 })).map((r) => [r.deviceId, r]));
    assert.equal(rows.get('back')!.steps[0].outcome, 'ok');
    assert.equal(rows.get('flaky')!.steps[0].outcome, 'ok');
    assert.equal(rows.get('away')!.steps[0].outcome, 'timeout');
    assert.equal(rows.get('away')!.steps[0].reason, 'the device was not reachable before the deadline');
    assert.deepEqual(ran.sort(), ['back', 'flaky', 'flaky']);
  } finally {
    await close();
  }
});
