import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestDatabase } from '../../storage/test-database.js';
import { ADMIN, EVERYONE, automationsWorld, createManualClock, fakeFleet } from './automations.fixture.js';
import { fakeRollouts, leftSent, ticks } from './automations-steps.fixture.js';

const T0 = Date.parse('2026-05-04T08:00:00Z');
const ids = ['a', 'b', 'c', 'd', 'e'];

test('a rollout step makes one rollout for the run (its devices, its guards), carries its id and waits for it to finish', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const rollouts = fakeRollouts();
  const fleet = fakeFleet(clock, ids);
  const w = automationsWorld(db, clock, fleet, { rollouts });
  try {
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'firmware-north',
      trigger: { kind: 'manual' },
      target: { kind: 'devices', group: 'site' },
      steps: [
        {
          type: 'rollout',
          artifactId: 'art_fw2',
          waves: [{ count: 1 }, { percent: 100 }],
          advance: 'approval',
          successThresholdPct: 90,
          waitFor: 'finished',
          timeoutS: 3600,
        },
        { type: 'command', name: 'ping' },
      ],
      // Two devices at a time: the others reach the step later and find the same rollout.
      guards: { maxConcurrent: 2, cooldownMin: 0 },
    });
    const run = await w.automations.run(ADMIN, EVERYONE, 'firmware-north', {});
    await ticks(w, clock, 3);
    assert.equal(rollouts.created.length, 1, 'one rollout per run');
    const [made] = rollouts.created;
    assert.equal(made.input.name, `automation firmware-north ${run.id} step 1`);
    assert.equal(made.input.target.filter, 'id in ("a", "b", "c", "d", "e")');
    assert.deepEqual(made.input.waves, [{ count: 1 }, { percent: 100 }]);
    assert.equal(made.input.advance, 'approval');
    assert.equal(made.input.successThresholdPct, 90);
    assert.equal(made.input.start, true);
    assert.equal(made.actor.id, 'automation:firmware-north@v1');
    assert.equal('waitFor' in made.input, false);

    // A hub restarted while the rollout runs finds it again; nothing is created twice.
    const second = automationsWorld(db, clock, fleet, { rollouts });
    await ticks(second, clock, 3);
    assert.equal(rollouts.created.length, 1);
    rollouts.rollouts.get(made.id)!.state = 'completed';
    await ticks(second, clock, 20);
    const done = await second.automations.runShow(EVERYONE, run.id);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.counts));
    for (const r of await second.automations.runDevices(EVERYONE, run.id, { limit: 10 }))
      assert.deepEqual(r.steps[0].output, { rolloutId: made.id, state: 'completed' }, r.deviceId);
    assert.equal(rollouts.created.length, 1);
  } finally {
    await close();
  }
});

test('a rollout that stops fails the devices with its reason; waitFor created ends at once; a refused creation says why', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const rollouts = fakeRollouts();
  const w = automationsWorld(db, clock, fakeFleet(clock, ids), { rollouts });
  try {
    const base = {
      trigger: { kind: 'manual' as const },
      target: { kind: 'devices' as const },
      guards: { cooldownMin: 0 },
    };
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'waits',
      ...base,
      steps: [{ type: 'rollout', artifactId: 'art_1', waitFor: 'finished' }],
    });
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'draft',
      ...base,
      steps: [{ type: 'rollout', artifactId: 'art_1', start: false }],
    });
    const waits = await w.automations.run(ADMIN, EVERYONE, 'waits', {});
    await ticks(w, clock, 2);
    const r = rollouts.rollouts.get(rollouts.created[0].id)!;
    Object.assign(r, { state: 'aborted', reason: 'failures above 10%' });
    await ticks(w, clock, 2);
    for (const d of await w.automations.runDevices(EVERYONE, waits.id, { limit: 10 })) {
      assert.equal(d.state, 'failed');
      assert.equal(d.steps[0].reason, 'rollout aborted: failures above 10%');
    }
    const draft = await w.automations.run(ADMIN, EVERYONE, 'draft', {});
    await ticks(w, clock, 2);
    assert.equal(rollouts.created.length, 2);
    assert.equal(rollouts.created[1].input.start, false);
    assert.equal((await w.automations.runShow(EVERYONE, draft.id)).state, 'succeeded');
    const [first] = await w.automations.runDevices(EVERYONE, draft.id, { limit: 1 });
    assert.deepEqual(first.steps[0].output, { rolloutId: rollouts.created[1].id, state: 'draft' });

    rollouts.refuse = 'artifact fw 2.0 is not signed: attach a signed manifest first';
    const refused = await w.automations.run(ADMIN, EVERYONE, 'draft', {});
    await ticks(w, clock, 2);
    for (const d of await w.automations.runDevices(EVERYONE, refused.id, { limit: 10 }))
      assert.equal(
        d.steps[0].reason,
        'rollout not created: artifact fw 2.0 is not signed: attach a signed manifest first',
      );
    assert.equal(rollouts.created.length, 2);
  } finally {
    await close();
  }
});

test('after a restart between writing the step as sent and creating the rollout, it is created once', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const rollouts = fakeRollouts();
  const fleet = fakeFleet(clock, ids);
  const first = automationsWorld(db, clock, fleet, { rollouts });
  try {
    await first.automations.create(ADMIN, EVERYONE, {
      name: 'cut',
      trigger: { kind: 'manual' },
      target: { kind: 'devices' },
      steps: [{ type: 'rollout', artifactId: 'art_1' }],
      guards: { cooldownMin: 0 },
    });
    const run = await first.automations.run(ADMIN, EVERYONE, 'cut', {});
    const now = clock.now();
    for (const id of ids) await leftSent(first, run.id, id, now, 60_000);
    const second = automationsWorld(db, clock, fleet, { rollouts });
    await ticks(second, clock, 3);
    assert.equal(rollouts.created.length, 1);
    assert.equal((await second.automations.runShow(EVERYONE, run.id)).state, 'succeeded');
  } finally {
    await close();
  }
});
