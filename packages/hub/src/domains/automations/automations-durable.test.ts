import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase } from '../../storage/test-database.js';
import { ADMIN, EVERYONE, automationsWorld, createManualClock, fakeFleet } from './automations.fixture.js';

const T0 = Date.parse('2026-05-04T08:00:00Z');
const ids = Array.from({ length: 100 }, (_, i) => `d${String(i).padStart(3, '0')}`);

test('a hub that stops mid-run and starts again on the same database sends no step twice and finishes the run', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const fleet = fakeFleet(clock, ids);
  // Half the devices take their time with the first command: it is still open when the hub stops.
  const slow = new Set(ids.slice(0, 50));
  fleet.answer = (id) => (slow.has(id) ? 'none' : 'ok');
  const first = automationsWorld(db, clock, fleet);
  try {
    await first.automations.create(ADMIN, EVERYONE, {
      name: 'two-commands',
      trigger: { kind: 'manual' },
      target: { kind: 'devices', group: 'site' },
      steps: [
        { type: 'command', name: 'flush-cache', timeoutS: 600 },
        { type: 'command', name: 'ping', timeoutS: 600 },
      ],
      guards: { maxDevices: 200, maxConcurrent: 100, cooldownMin: 0 },
    });
    const run = await first.automations.run(ADMIN, EVERYONE, 'two-commands', {});
    await first.tick();
    await clock.advance(1000);
    await first.tick();
    // The hub stopped after writing one device's step as sent but before storing its command.
    const cut = ids[99];
    const row = (await first.store.runDevices(run.id, { limit: 1000 })).find((r) => r.deviceId === cut)!;
    assert.equal(row.stepIndex, 1);
    await first.store.moveDevice(
      run.id,
      cut,
      { stepIndex: 1, stepState: row.stepState },
      {
        stepState: 'sent',
        stepRef: 'cmd_never_stored',
        stepStartedAt: clock.now().toISOString(),
        stepDeadline: new Date(clock.now().getTime() + 600_000).toISOString(),
      },
    );
    for (const c of fleet.records.values())
      if (c.id !== 'cmd_never_stored' && c.deviceId === cut && c.name === 'ping') fleet.records.delete(c.id);
    fleet.sent.set(cut, ['flush-cache']);

    // A new hub on the same database: nothing of the first one's memory.
    const second = automationsWorld(db, clock, fleet);
    slow.clear();
    for (const c of fleet.records.values()) if (c.state === 'sent') c.state = 'succeeded';
    for (let i = 0; i < 10; i++) {
      await second.tick();
      await clock.advance(1000);
    }
    const done = await second.automations.runShow(EVERYONE, run.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.counts));
    assert.deepEqual(done.counts, { succeeded: 100 });
    for (const id of ids) assert.deepEqual(fleet.sent.get(id), ['flush-cache', 'ping'], id);
    // The cut step was sent under the id written before the stop.
    assert.equal(fleet.records.get('cmd_never_stored')?.deviceId, cut);
  } finally {
    await close();
  }
});

test('guards: dry run lists the devices, more than maxDevices refuses the run, approval above N holds it', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const fleet = fakeFleet(clock, ids);
  const w = automationsWorld(db, clock, fleet);
  try {
    const base = {
      trigger: { kind: 'manual' as const },
      target: { kind: 'devices' as const, group: 'site' },
      steps: [{ type: 'command' as const, name: 'ping' }],
    };
    await w.automations.create(ADMIN, EVERYONE, { name: 'small', ...base, guards: { maxDevices: 10 } });
    await assert.rejects(w.automations.run(ADMIN, EVERYONE, 'small', {}), /more than 10 devices \(guards.maxDevices\)/);
    const dry = await w.automations.run(ADMIN, EVERYONE, 'small', { dryRun: true }).catch((e: Error) => e);
    assert.match(String(dry), /more than 10 devices/);
    await w.automations.create(ADMIN, EVERYONE, { name: 'approved', ...base, guards: { approvalAbove: 50 } });
    const preview = await w.automations.run(ADMIN, EVERYONE, 'approved', { dryRun: true });
    assert.equal(preview.devices!.length, 100);
    assert.equal(fleet.records.size, 0, 'a dry run sends nothing');
    const held = await w.automations.run(ADMIN, EVERYONE, 'approved', {});
    assert.equal(held.state, 'awaiting_approval');
    await w.tick();
    assert.equal(fleet.records.size, 0, 'nothing is sent before the approval');
    await w.automations.approve(ADMIN, EVERYONE, held.id);
    await w.tick();
    await clock.advance(1000);
    await w.tick();
    assert.equal((await w.automations.runShow(EVERYONE, held.id)).state, 'succeeded');
    assert.equal(fleet.records.size, 100);
  } finally {
    await close();
  }
});

test('maxConcurrent and perMinute bound how many devices are in flight and started', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const fleet = fakeFleet(clock, ids);
  fleet.answer = () => 'none';
  const w = automationsWorld(db, clock, fleet);
  try {
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'bounded',
      trigger: { kind: 'manual' },
      target: { kind: 'devices' },
      steps: [{ type: 'command', name: 'ping', timeoutS: 3600 }],
      guards: { maxConcurrent: 7, perMinute: 5 },
    });
    const run = await w.automations.run(ADMIN, EVERYONE, 'bounded', {});
    await w.tick();
    assert.equal(fleet.records.size, 5, 'five a minute');
    await clock.advance(61_000);
    await w.tick();
    assert.equal(fleet.records.size, 7, 'seven at once');
    for (const c of fleet.records.values()) c.state = 'succeeded';
    await w.tick();
    await clock.advance(61_000);
    await w.tick();
    assert.equal(fleet.records.size, 12);
    assert.equal((await w.automations.runShow(EVERYONE, run.id)).counts.running, 5);
  } finally {
    await close();
  }
});
