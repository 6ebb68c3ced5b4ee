import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Agent } from '@outpost/agent';
import { totpCode } from '../src/domains/users/totp.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

const refused = (code: string, message?: RegExp) => (err: { code: string; status: number; message: string }) =>
  err.code === code && (!message || message.test(err.message));

describe('automations over the API: roles, step-up, runs on real agents', () => {
  let t: TestHub;
  const agents: Agent[] = [];
  before(async () => {
    t = await startTestHub();
    for (let i = 0; i < 3; i++) {
      const d = await enrollTestDevice(t, `auto-${i}`, { tags: { site: 'north' } });
      agents.push(startTestAgent(t, d, { index: i + 1 }));
    }
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', limit: 1, count: true })).total === 3,
      60_000,
      100,
    );
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await t.stop();
  });

  const unnamed = <T extends { name: string }>({ name: _name, ...rest }: T) => rest;
  const pingAll = (name: string) => ({
    name,
    trigger: { kind: 'manual' as const },
    target: { kind: 'devices' as const, filter: 'tag.site = "north"' },
    steps: [{ type: 'command' as const, name: 'ping', timeoutS: 30 }],
  });

  it('a viewer reads but cannot create, change or run (403 with the reason); an operator can', async () => {
    const viewer = await t.userClient('viewer');
    const op = await t.userClient('operator');
    const forbidden = refused('forbidden', /role/);
    await assert.rejects(viewer.automations.create(pingAll('by-viewer')), forbidden);
    const created = await op.automations.create(pingAll('ping-north'));
    assert.equal(created.version, 1);
    await assert.rejects(viewer.automations.change('ping-north', unnamed(pingAll('x'))), forbidden);
    await assert.rejects(viewer.automations.run('ping-north'), forbidden);
    await assert.rejects(viewer.automations.disable('ping-north'), forbidden);
    await assert.rejects(
      viewer.schedules.create({ name: 's', action: { type: 'command', name: 'ping' }, cron: '0 3 * * *' }),
      forbidden,
    );
    assert.equal(
      (await viewer.automations.list()).items.some((a) => a.name === 'ping-north'),
      true,
    );

    const changed = await op.automations.change('ping-north', { ...unnamed(pingAll('ignored')), description: 'v2' });
    assert.equal(changed.version, 2);
    assert.equal((await viewer.automations.get('ping-north', 1)).description, null);

    const dry = await op.automations.run('ping-north', { dryRun: true });
    assert.deepEqual(dry.devices, ['auto-0', 'auto-1', 'auto-2']);
    const run = await op.automations.run('ping-north');
    assert.equal(run.version, 2);
    const done = await eventually(
      async () => {
        const r = await viewer.automations.runShow(run.id);
        return r.state === 'succeeded' ? r : null;
      },
      60_000,
      100,
    );
    assert.deepEqual(done.counts, { succeeded: 3 });
    const { items } = await viewer.automations.runDevices(run.id);
    for (const d of items) {
      assert.equal(d.steps[0].outcome, 'ok');
      assert.ok(d.steps[0].commandId);
      assert.ok((d.steps[0].output as { pong?: unknown } | null) !== undefined);
    }
    const audit = await t.admin.audit.list({ action: 'automation.step', limit: 10 });
    assert.ok(audit.items.length >= 3 && audit.items.every((e) => (e.details as { version?: number }).version === 2));
  });

  it('bad input is refused with a stable error and changes nothing', async () => {
    const op = await t.userClient('operator');
    await assert.rejects(
      op.automations.create({
        ...pingAll('bad-cron'),
        trigger: { kind: 'cron', cron: 'every day', timezone: 'Europe/Berlin' },
      }),
      refused('validation_failed', /cron/),
    );
    await assert.rejects(
      op.automations.create({
        ...pingAll('bad-target'),
        target: { kind: 'trigger_device' },
        trigger: { kind: 'cron', cron: '0 2 * * *', timezone: 'UTC' },
      }),
      refused('validation_failed', /names no device/),
    );
    await assert.rejects(
      op.automations.create({ ...pingAll('bad-filter'), target: { kind: 'devices', filter: 'tag.site = ' } }),
      (e: { code: string }) => e.code.startsWith('filter_'),
    );
    assert.equal(
      (await op.automations.list()).items.some((a) => a.name.startsWith('bad-')),
      false,
    );
  });

  it('steps that reboot or change configuration ask an operator with a second factor for a fresh step-up', async () => {
    const op = await t.userClient('operator');
    const e = await op.mfa.enroll();
    const t0 = Date.now();
    await op.mfa.confirm(await totpCode(e.secret, t0));
    await t.hub.db
      .updateTable('session_mfa')
      .set({ verified_at: new Date(t0 - 600_000).toISOString() })
      .execute();
    const reboot = { ...pingAll('reboot-north'), steps: [{ type: 'reboot' as const }] };
    const stepUp = refused('mfa_step_up_required');
    await assert.rejects(op.automations.create(reboot), stepUp);
    for (const step of [
      { type: 'config_override' as const, values: { 'ssh.port': 2200 } },
      { type: 'enforce_template' as const, templateId: 'base' },
      { type: 'rollout' as const, artifactId: 'art_1' },
    ])
      await assert.rejects(op.automations.create({ ...pingAll(`${step.type}-north`), steps: [step] }), stepUp);
    await assert.rejects(
      op.schedules.create({
        name: 'nightly',
        action: { type: 'reboot' },
        cron: '0 2 * * *',
        timezone: 'Europe/Berlin',
        filter: 'tag.site = "north"',
      }),
      stepUp,
    );
    assert.equal(
      (await t.admin.automations.list()).items.some((a) => a.name === 'reboot-north'),
      false,
    );
    // A harmless automation needs none.
    await op.automations.create(pingAll('ping-again'));
    const made = await op.automations.create({ ...reboot, otp: await totpCode(e.secret, t0 + 30_000) });
    assert.equal(made.version, 1);

    // The code sent with the create proved the session for the next minutes: no code needed now.
    const s = await op.schedules.create({
      name: 'nightly',
      action: { type: 'reboot' },
      cron: '0 2 * * *',
      timezone: 'Europe/Berlin',
      filter: 'tag.site = "north"',
    });
    const next = await op.schedules.upcoming(5);
    assert.ok(
      next.items.some((o) => o.scheduleId === s.id && /T0[01]:00:00.000Z$/.test(o.at)),
      JSON.stringify(next.items),
    );
    await op.schedules.remove(s.id);
    assert.equal((await op.schedules.list()).items.length, 0);
    assert.equal((await op.automations.get('schedule.nightly')).enabled, false);
  });
});
