import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase } from '../../storage/test-database.js';
import { ADMIN, EVERYONE, automationsWorld, createManualClock, fakeFleet } from './automations.fixture.js';

const ids = ['r1', 'r2', 'r3', 'r4'];

async function runUntil(
  w: { tick(): Promise<void> },
  clock: ReturnType<typeof createManualClock>,
  iso: string,
  stepMs: number,
) {
  while (clock.now().getTime() < Date.parse(iso)) {
    await w.tick();
    await clock.advance(stepMs);
  }
  await w.tick();
}

test('a reboot scheduled at 02:00 Europe/Berlin runs once at the right instant, across both DST changes', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(Date.parse('2026-03-28T00:10:00Z'));
  const fleet = fakeFleet(clock, ids);
  const w = automationsWorld(db, clock, fleet);
  try {
    await w.schedules.create(ADMIN, EVERYONE, {
      name: 'nightly-reboot',
      action: { type: 'reboot' },
      cron: '0 2 * * *',
      timezone: 'Europe/Berlin',
      group: 'site',
    });
    const upcoming = await w.schedules.upcoming(EVERYONE, 3);
    // 02:00 CET = 01:00Z; on 29 March 02:00 does not exist and the run comes at the jump (03:00 CEST).
    assert.deepEqual(
      upcoming.map((o) => o.at),
      ['2026-03-28T01:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:00:00.000Z'],
    );
    await runUntil(w, clock, '2026-03-30T06:00:00Z', 5 * 60_000);
    const runs = await w.automations.runs(EVERYONE, 'schedule.nightly-reboot', 10);
    assert.deepEqual(runs.map((r) => r.createdAt).reverse(), [
      '2026-03-28T01:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:00:00.000Z',
    ]);
    assert.ok(runs.every((r) => r.version === 1 && r.state === 'succeeded'));
    for (const id of ids) assert.equal(fleet.sent.get(id)?.length, 3, id);

    // Autumn: 02:00 happens twice on 25 October; the reboot runs at the first, once. The months
    // jumped over are occurrences missed by far more than the grace: none of them runs late.
    clock.set(Date.parse('2026-10-24T12:00:00Z'));
    await runUntil(w, clock, '2026-10-25T04:00:00Z', 5 * 60_000);
    const autumn = (await w.automations.runs(EVERYONE, 'schedule.nightly-reboot', 10)).filter(
      (r) => r.createdAt >= '2026-10-24',
    );
    assert.deepEqual(
      autumn.map((r) => r.createdAt),
      ['2026-10-25T00:00:00.000Z'],
    );
  } finally {
    await close();
  }
});

test('offline devices are skipped with a reason, or picked up when they return if the schedule says so', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(Date.parse('2026-06-01T10:00:00Z'));
  const fleet = fakeFleet(clock, ids);
  const w = automationsWorld(db, clock, fleet);
  try {
    fleet.setPresence('r3', 'offline', clock.now());
    fleet.setPresence('r4', 'offline', clock.now());
    await w.schedules.create(ADMIN, EVERYONE, {
      name: 'skip',
      action: { type: 'command', name: 'ping' },
      at: '2026-06-01T10:30:00Z',
      group: 'site',
    });
    await w.schedules.create(ADMIN, EVERYONE, {
      name: 'pick-up',
      action: { type: 'reboot' },
      at: '2026-06-01T10:30:00Z',
      group: 'site',
      pickUpOffline: true,
      pickUpWithinMin: 60,
    });
    await runUntil(w, clock, '2026-06-01T10:45:00Z', 60_000);
    fleet.setPresence('r3', 'online', clock.now());
    await runUntil(w, clock, '2026-06-01T12:00:00Z', 60_000);

    const [skipRun] = await w.automations.runs(EVERYONE, 'schedule.skip', 10);
    assert.equal(skipRun.createdAt, '2026-06-01T10:30:00.000Z');
    const skipDevices = await w.automations.runDevices(EVERYONE, skipRun.id, { limit: 10 });
    assert.deepEqual(
      skipDevices.map((d) => [d.deviceId, d.state, d.reason]),
      [
        ['r1', 'succeeded', null],
        ['r2', 'succeeded', null],
        ['r3', 'skipped', 'offline when its turn came'],
        ['r4', 'skipped', 'offline when its turn came'],
      ],
    );
    const [pickRun] = await w.automations.runs(EVERYONE, 'schedule.pick-up', 10);
    const picked = await w.automations.runDevices(EVERYONE, pickRun.id, { limit: 10 });
    assert.deepEqual(
      picked.map((d) => [d.deviceId, d.state, d.reason]),
      [
        ['r1', 'succeeded', null],
        ['r2', 'succeeded', null],
        ['r3', 'succeeded', null],
        ['r4', 'skipped', 'offline, and not back within 60 min'],
      ],
    );
    assert.ok(picked[2].startedAt! >= '2026-06-01T10:45:00.000Z', 'r3 was taken up when it returned');
    assert.deepEqual(fleet.sent.get('r3'), ['reboot']);
    assert.equal(fleet.sent.get('r4'), undefined);
  } finally {
    await close();
  }
});
