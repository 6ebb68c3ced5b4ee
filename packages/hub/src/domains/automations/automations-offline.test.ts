import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase } from '../../storage/test-database.js';
import { ADMIN, EVERYONE, automationsWorld, createManualClock, fakeFleet } from './automations.fixture.js';

const T0 = Date.parse('2026-05-04T08:00:00Z');
const MIN = 60_000;
const ids = Array.from({ length: 50 }, (_, i) => `dev-${String(i).padStart(2, '0')}`);

test('offline for more than 10 min → modem restart, wait until online (15 min), notify if still offline: 50 devices, one outcome each', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const fleet = fakeFleet(clock, ids);
  const w = automationsWorld(db, clock, fleet);
  try {
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'modem-recovery',
      trigger: { kind: 'offline', forMin: 10 },
      target: { kind: 'trigger_device' },
      steps: [
        { type: 'command', name: 'modem-restart', timeoutS: 60, on: { failed: 'continue', timeout: 'continue' } },
        { type: 'wait', until: 'online', timeoutS: 15 * 60, on: { ok: 'skip_rest', timeout: 'continue' } },
        { type: 'notify', channelId: 'ops', message: '{device} still offline after a modem restart' },
      ],
      guards: { cooldownMin: 60 },
    });
    const at = (m: number) => new Date(T0 + m * MIN);
    // Devices 0-29 drop at minute 1; 0-4 return at 12, 5-14 at 20, 15-29 never; 30-49 stay online.
    // Device 0 drops again at 14 and stays away: its second spell falls inside the cool-down.
    const plan: Array<[number, () => void]> = [
      [1, () => ids.slice(0, 30).forEach((id) => fleet.setPresence(id, 'offline', at(1)))],
      [12, () => ids.slice(0, 5).forEach((id) => fleet.setPresence(id, 'online', at(12)))],
      [14, () => fleet.setPresence(ids[0], 'offline', at(14))],
      [20, () => ids.slice(5, 15).forEach((id) => fleet.setPresence(id, 'online', at(20)))],
    ];
    for (let s = 0; s <= 50 * 2; s++) {
      const minute = s / 2;
      for (const [m, act] of plan) if (m === minute) act();
      await w.tick();
      await clock.advance(30_000);
    }

    const runs = await w.automations.runs(EVERYONE, 'modem-recovery', 1000);
    const byDevice = new Map<string, typeof runs>();
    for (const r of runs) byDevice.set(r.trigger.deviceId!, [...(byDevice.get(r.trigger.deviceId!) ?? []), r]);
    for (const id of ids.slice(30)) assert.equal(byDevice.get(id), undefined, `${id} never went offline`);
    for (const id of ids.slice(0, 30)) {
      const first = byDevice.get(id)!.at(-1)!;
      assert.equal(first.state, 'succeeded', `${id}: ${JSON.stringify(first)}`);
      const [dev] = await w.automations.runDevices(EVERYONE, first.id, { limit: 10 });
      const outcomes = dev.steps.map((s) => `${s.type}:${s.outcome}`);
      if (ids.indexOf(id) < 5) {
        assert.deepEqual(outcomes, ['command:ok', 'wait:ok'], id);
        assert.match(dev.reason!, /step 2 \(wait\) ok: the remaining steps were not needed/);
      } else if (ids.indexOf(id) < 15) {
        assert.deepEqual(outcomes, ['command:timeout', 'wait:ok'], id);
      } else {
        assert.deepEqual(outcomes, ['command:timeout', 'wait:timeout', 'notify:ok'], id);
        assert.match(dev.steps[1].reason!, /not online in time/);
      }
      assert.ok(dev.steps.every((s) => s.durationMs >= 0 && s.startedAt <= s.finishedAt));
    }
    // Only the devices that came back while the command was waiting received it, once each.
    for (const id of ids) assert.deepEqual(fleet.sent.get(id) ?? [], ids.indexOf(id) < 5 ? ['modem-restart'] : [], id);
    assert.deepEqual(
      w.notices.map((n) => n.summary).sort(),
      ids.slice(15, 30).map((id) => `${id} still offline after a modem restart`),
    );
    // Device 0's second spell fired inside its cool-down: a run that says so and touches nothing.
    const again = byDevice.get(ids[0])!;
    assert.equal(again.length, 2);
    const [held] = await w.automations.runDevices(EVERYONE, again[0].id, { limit: 10 });
    assert.equal(held.state, 'skipped');
    assert.match(held.reason!, /^cool-down: acted on at .* not again before /);
    // Every step is audited with the automation's version.
    const steps = w.audit.entries.filter((e) => e.action === 'automation.step');
    assert.equal(steps.length, 5 * 2 + 10 * 2 + 15 * 3);
    assert.ok(steps.every((e) => e.details?.version === 1 && e.details?.automation === 'modem-recovery'));
  } finally {
    await close();
  }
});

test('a cool-down is per device: a flapping device is not acted on twice, its neighbours are', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const fleet = fakeFleet(clock, ['a', 'b']);
  const w = automationsWorld(db, clock, fleet);
  try {
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'reboot-when-away',
      trigger: { kind: 'offline', forMin: 1 },
      target: { kind: 'trigger_device' },
      steps: [{ type: 'reboot', timeoutS: 30, on: { timeout: 'continue' } }],
      guards: { cooldownMin: 120 },
    });
    // Device a flaps twenty times, a spell of 2 minutes each, online for one minute in between.
    for (let i = 0; i < 20; i++) {
      fleet.setPresence('a', 'offline', clock.now());
      for (let s = 0; s < 4; s++) {
        await w.tick();
        await clock.advance(30_000);
      }
      fleet.setPresence('a', 'online', clock.now());
      await w.tick();
      await clock.advance(60_000);
    }
    const runs = await w.automations.runs(EVERYONE, 'reboot-when-away', 100);
    assert.equal(runs.length, 20);
    const started = runs.filter((r) => (r.counts.skipped ?? 0) === 0);
    assert.equal(started.length, 1, 'one run acted; the others were held by the cool-down');
    assert.equal([...fleet.records.values()].filter((c) => c.deviceId === 'a').length, 1);
  } finally {
    await close();
  }
});
