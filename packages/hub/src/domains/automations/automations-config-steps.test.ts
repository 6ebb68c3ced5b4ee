import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AutomationStep } from '@outpost/protocol';
import { openTestDatabase } from '../../storage/test-database.js';
import { isDangerousStep } from './automation-spec.js';
import { ADMIN, EVERYONE, automationsWorld, createManualClock, fakeFleet } from './automations.fixture.js';
import { fakeConfigs, leftSent, ticks } from './automations-steps.fixture.js';

const T0 = Date.parse('2026-05-04T08:00:00Z');
const ids = ['a', 'b', 'c', 'd'];

async function outcomes(w: ReturnType<typeof automationsWorld>, runId: string) {
  const rows = await w.automations.runDevices(EVERYONE, runId, { limit: 100 });
  return new Map(rows.map((r) => [r.deviceId, r]));
}

test('config_override sets and clears a device override as the automation (id and version), then waits for compliance', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const configs = fakeConfigs();
  configs.values.set('a', { 'ntp.servers': ['x'] });
  const w = automationsWorld(db, clock, fakeFleet(clock, ids), { configs });
  try {
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'debug-logs',
      trigger: { kind: 'manual' },
      target: { kind: 'devices', filter: 'id = "a"' },
      steps: [{ type: 'config_override', values: { 'logging.level': 'debug', 'ntp.servers': null }, timeoutS: 60 }],
      guards: { cooldownMin: 0 },
    });
    await w.automations.change(ADMIN, EVERYONE, 'debug-logs', {
      trigger: { kind: 'manual' },
      target: { kind: 'devices', group: 'site' },
      steps: [
        { type: 'config_override', values: { 'logging.level': 'debug', 'ntp.servers': null }, timeoutS: 60 },
        { type: 'config_override', values: { 'ssh.port': 2222 }, waitFor: 'set' },
      ],
      guards: { cooldownMin: 0 },
    });
    const run = await w.automations.run(ADMIN, EVERYONE, 'debug-logs', {});
    await ticks(w, clock);
    assert.deepEqual(configs.applied.map((x) => x.deviceId).sort(), ids);
    assert.ok(configs.applied.every((x) => x.actor.id === 'automation:debug-logs@v2' && x.actor.type === 'system'));
    assert.deepEqual(configs.values.get('a'), { 'logging.level': 'debug' }, 'ntp.servers cleared, logging set');
    // a and b report the new state; c reports an error; d never reports.
    configs.report('a');
    configs.report('b');
    configs.report('c', 'error');
    await ticks(w, clock);
    let rows = await outcomes(w, run.id);
    assert.equal(rows.get('c')!.state, 'failed');
    assert.match(rows.get('c')!.reason!, /step 1 \(config_override\): the device reported an error/);
    assert.equal(rows.get('d')!.steps.length, 0, 'd still waits');
    await clock.advance(61_000);
    await ticks(w, clock);
    rows = await outcomes(w, run.id);
    for (const id of ['a', 'b']) {
      assert.equal(rows.get(id)!.state, 'succeeded', id);
      assert.deepEqual(
        rows.get(id)!.steps.map((s) => s.outcome),
        ['ok', 'ok'],
      );
      assert.deepEqual(rows.get(id)!.steps[0].output, { compliance: 'compliant' });
    }
    assert.equal(rows.get('d')!.state, 'failed');
    assert.match(rows.get('d')!.steps[0].reason!, /^not compliant in time \(pending\)$/);
    // Each device had each step applied once: the first, then the second on those that went on.
    assert.deepEqual(
      configs.applied.filter((x) => 'ssh.port' in x.values).map((x) => x.deviceId),
      ['a', 'b'],
    );
    const audited = w.audit.entries.filter((e) => e.action === 'automation.step');
    assert.ok(audited.every((e) => e.details?.version === 2 && e.details?.automation === 'debug-logs'));
  } finally {
    await close();
  }
});

test('a config_override the model schema refuses fails the device with the reason; a secret value is refused when saved', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const configs = fakeConfigs();
  const w = automationsWorld(db, clock, fakeFleet(clock, ['a']), { configs });
  try {
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'bad-port',
      trigger: { kind: 'manual' },
      target: { kind: 'devices' },
      steps: [{ type: 'config_override', values: { 'ssh.port': 'twenty-two' } }],
    });
    const run = await w.automations.run(ADMIN, EVERYONE, 'bad-port', {});
    await ticks(w, clock);
    const a = (await outcomes(w, run.id)).get('a')!;
    assert.equal(a.state, 'failed');
    assert.match(a.steps[0].reason!, /ssh\.port.*schema/);
    assert.equal(configs.applied.length, 0);
    await assert.rejects(
      w.automations.create(ADMIN, EVERYONE, {
        name: 'psk',
        trigger: { kind: 'manual' },
        target: { kind: 'devices' },
        steps: [{ type: 'config_override', values: { 'wifi.psk': { $secret: 'x' } } }],
      }),
      (e: { code: string; message: string }) =>
        e.code === 'validation_failed' && /cannot carry a secret/.test(e.message),
    );
  } finally {
    await close();
  }
});

test('after a restart a config_override written as sent is applied once: not again where it had reached the configs domain', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const configs = fakeConfigs();
  const fleet = fakeFleet(clock, ['a', 'b', 'c']);
  const first = automationsWorld(db, clock, fleet, { configs });
  try {
    await first.automations.create(ADMIN, EVERYONE, {
      name: 'ssh-port',
      trigger: { kind: 'manual' },
      target: { kind: 'devices' },
      steps: [{ type: 'config_override', values: { 'ssh.port': 2222 }, timeoutS: 600 }],
    });
    const run = await first.automations.run(ADMIN, EVERYONE, 'ssh-port', {});
    // The first hub wrote every device's step as sent, then stopped: before asking the configs
    // domain for a and b, after it for c (the override stored, the step not yet moved on).
    const now = clock.now();
    for (const id of ['a', 'b', 'c']) assert.ok(await leftSent(first, run.id, id, now, 600_000));
    await configs.applyOverrides({ type: 'system', id: 'automation:ssh-port@v1' }, 'c', { 'ssh.port': 2222 });

    const second = automationsWorld(db, clock, fleet, { configs });
    await ticks(second, clock);
    ['a', 'b', 'c'].forEach((id) => configs.report(id));
    await ticks(second, clock);
    const rows = await outcomes(second, run.id);
    for (const id of ['a', 'b', 'c']) {
      assert.equal(rows.get(id)!.state, 'succeeded', id);
      assert.equal(configs.applied.filter((x) => x.deviceId === id).length, 1, `${id} applied once`);
    }
  } finally {
    await close();
  }
});

test('enforce_template pushes a named template where it applies, waits for compliance, and says why where it cannot', async () => {
  const { db, close } = await openTestDatabase();
  const clock = createManualClock(T0);
  const configs = fakeConfigs();
  configs.templates.set('base', { id: 'tpl_1', devices: ['a', 'b'] });
  const w = automationsWorld(db, clock, fakeFleet(clock, ['a', 'b', 'c']), { configs });
  try {
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'enforce-base',
      trigger: { kind: 'manual' },
      target: { kind: 'devices' },
      steps: [{ type: 'enforce_template', templateId: 'base', timeoutS: 120 }],
    });
    await w.automations.create(ADMIN, EVERYONE, {
      name: 'enforce-missing',
      trigger: { kind: 'manual' },
      target: { kind: 'devices', filter: 'id = "a"' },
      steps: [{ type: 'enforce_template', templateId: 'nope' }],
    });
    const run = await w.automations.run(ADMIN, EVERYONE, 'enforce-base', {});
    await ticks(w, clock);
    assert.deepEqual(configs.pushed.map((p) => p.deviceId).sort(), ['a', 'b']);
    assert.ok(configs.pushed.every((p) => p.actor.id === 'automation:enforce-base@v1'));
    configs.report('a');
    await ticks(w, clock);
    await clock.advance(121_000);
    await ticks(w, clock);
    const rows = await outcomes(w, run.id);
    assert.equal(rows.get('a')!.state, 'succeeded');
    assert.deepEqual(rows.get('a')!.steps[0].output, { compliance: 'compliant', template: 'base' });
    assert.equal(rows.get('b')!.steps[0].outcome, 'timeout');
    assert.match(rows.get('b')!.steps[0].reason!, /not compliant in time \(pending\)/);
    assert.match(rows.get('c')!.steps[0].reason!, /template "base" does not apply to this device/);
    const missing = await w.automations.run(ADMIN, EVERYONE, 'enforce-missing', {});
    await ticks(w, clock);
    assert.match((await outcomes(w, missing.id)).get('a')!.steps[0].reason!, /no template "nope"/);
    assert.equal(configs.pushed.length, 2, 'nothing pushed where the template does not apply');
  } finally {
    await close();
  }
});

test('steps that change configuration or firmware ask for a step-up when saved', () => {
  const steps: AutomationStep[] = [
    { type: 'config_override', values: { a: 1 } },
    { type: 'enforce_template', templateId: 'base' },
    { type: 'rollout', artifactId: 'art_1' },
    { type: 'reboot' },
  ];
  assert.deepEqual(steps.map(isDangerousStep), [true, true, true, true]);
  assert.equal(isDangerousStep({ type: 'command', name: 'ping' }), false);
});
