import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Automation } from '@outpost/protocol';
import {
  draftOf,
  emptyDraft,
  isProblem,
  messageAt,
  messageWithin,
  moved,
  newStep,
  specOf,
} from '../src/pages/automations/automation-draft.js';

const stored: Automation = {
  id: 'aut_1',
  name: 'modem-recovery',
  version: 3,
  enabled: true,
  description: 'restart the modem of a device offline for 10 min',
  trigger: { kind: 'offline', forMin: 10 },
  target: { kind: 'trigger_device' },
  steps: [
    { type: 'diagnostic', name: 'modem', param: 'restart', timeoutS: 60, on: { failed: 'continue' } },
    { type: 'wait', until: 'online', timeoutS: 900, on: { ok: 'skip_rest', timeout: 'continue' } },
    { type: 'notify', channelId: 'ch_ops', message: '{device} still offline' },
    { type: 'command', name: 'set-led', args: { colour: 'red' } },
    { type: 'config_override', values: { 'log.level': 'debug' } },
  ],
  guards: { cooldownMin: 60, maintenanceWindow: { cron: '0 2 * * *', durationMin: 120, timezone: 'Europe/Berlin' } },
  scheduleId: null,
  createdBy: 'op',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

describe('automation builder draft', () => {
  it('turns a stored automation into the builder’s fields and back unchanged', () => {
    const spec = specOf(draftOf(stored));
    assert.ok(!isProblem(spec));
    assert.deepEqual(spec, {
      description: stored.description,
      enabled: true,
      trigger: stored.trigger,
      target: stored.target,
      steps: stored.steps,
      guards: stored.guards,
    });
  });

  it('reports a field that does not parse at its path, before anything is sent', () => {
    const cases: Array<[(d: ReturnType<typeof emptyDraft>) => void, string]> = [
      [(d) => (d.group = ''), '/target/group'],
      [(d) => (d.steps[0].args = '{"host": '), '/steps/0/args'],
      [(d) => (d.steps[0].args = '[1, 2]'), '/steps/0/args'],
      [(d) => (d.steps[0].timeoutS = '1.5'), '/steps/0/timeoutS'],
      [(d) => (d.steps = [d.steps[0], { ...newStep('wait'), forS: '' }]), '/steps/1/forS'],
      [(d) => (d.steps = [{ ...newStep('config_override') }]), '/steps/0/values'],
      [(d) => (d.guards.maxDevices = 'many'), '/guards/maxDevices'],
    ];
    for (const [change, path] of cases) {
      const d = emptyDraft();
      d.group = 'north';
      change(d);
      const r = specOf(d);
      assert.ok(isProblem(r), path);
      assert.equal(r.path, path);
    }
  });

  it('builds a manual group automation with a command and a wait, defaults left to the hub', () => {
    const d = emptyDraft();
    d.group = 'north';
    d.steps.push({ ...newStep('wait'), forS: '1' });
    assert.deepEqual(specOf(d), {
      enabled: true,
      trigger: { kind: 'manual' },
      target: { kind: 'devices', group: 'north' },
      steps: [
        { type: 'command', name: 'ping' },
        { type: 'wait', forS: 1 },
      ],
      guards: {},
    });
  });

  it('moves steps within the list only', () => {
    assert.deepEqual(moved([1, 2, 3], 2, -1), [1, 3, 2]);
    assert.deepEqual(moved([1, 2, 3], 0, -1), [1, 2, 3]);
    assert.deepEqual(moved([1, 2, 3], 2, 1), [1, 2, 3]);
  });

  it('shows a problem at its field, or at its section when no field there claims it', () => {
    const p = { path: '/steps/1', message: 'a wait step needs forS' };
    assert.equal(messageAt(p, '/steps/1/forS'), undefined);
    assert.equal(messageWithin(p, '/steps/1', ['/steps/1/forS']), 'a wait step needs forS');
    assert.equal(messageWithin(p, '/steps/0', ['/steps/0/name']), undefined);
    const field = { path: '/steps/1/forS', message: 'too long' };
    assert.equal(messageAt(field, '/steps/1/forS'), 'too long');
    assert.equal(messageWithin(field, '/steps/1', ['/steps/1/forS']), undefined);
    assert.equal(messageWithin({ path: '/steps/10', message: 'x' }, '/steps/1', []), undefined);
  });
});
