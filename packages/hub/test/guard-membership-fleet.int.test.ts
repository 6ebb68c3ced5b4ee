import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuardFeature, type AgentFeature, type GuardFeature } from '@outpost/agent';
import { startSimulation, type Simulation } from '@outpost/sim';
import type { GuardPolicyInput } from '@outpost/protocol';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';

// Bulk membership changes on a connected fleet: each device whose effective policy changed
// receives exactly one new document, the others none; identical documents are never sent
// again; a burst of single changes is handled in a few passes, not one per request.
// Every simulated device runs the real guard feature; a thin wrapper counts the documents
// that reach it.

const FLEET = 40;
const enforce: GuardPolicyInput = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'exception',
};
const PASS_MSG = 'guard documents recomputed after a membership change';

interface Pass {
  time: number;
  scope: string;
  devices: number;
  changed: number;
}

describe('guard policies follow bulk membership changes on a fleet', () => {
  let t: TestHub;
  let sim: Simulation;
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-guard-'));
  const features = new Map<string, GuardFeature>();
  const received = new Map<string, number>();

  function countingGuard(deviceId: string): AgentFeature {
    const f = createGuardFeature({ guards: [] });
    features.set(deviceId, f);
    return {
      ...f,
      onMessage(suffix, payload, ctx) {
        if (suffix === 'guard/policy') received.set(deviceId, (received.get(deviceId) ?? 0) + 1);
        return f.onMessage?.(suffix, payload, ctx);
      },
    };
  }

  const snapshot = () => new Map(sim.ids.map((id) => [id, received.get(id) ?? 0]));
  const delta = (from: Map<string, number>, ids: string[]) =>
    ids.map((id) => (received.get(id) ?? 0) - (from.get(id) ?? 0));
  const modeOf = (id: string) => features.get(id)!.status().policy.mode;
  const idIn = (ids: string[]) => `id in (${ids.map((id) => JSON.stringify(id)).join(', ')})`;
  function passesSince(since: number): Pass[] {
    const out: Pass[] = [];
    for (const line of t.logText().split('\n')) {
      if (!line.includes(PASS_MSG)) continue;
      const p = JSON.parse(line) as Pass;
      if (p.time >= since) out.push(p);
    }
    return out;
  }
  // Passes that published something (a device's own reconnect may add a pass that publishes nothing).
  const publishing = (since: number) => passesSince(since).filter((p) => p.changed > 0);
  // No membership change waiting, no guard pass running or queued, and every document the hub
  // handed to the broker has reached a device (a reconnect's retained copy may add one more).
  const settle = () =>
    eventually(
      async () => {
        const text = (await t.hub.app.inject({ method: 'GET', url: '/metrics' })).body;
        const value = (series: string) => {
          const line = text.split('\n').find((l) => l.startsWith(`${series} `));
          return line ? Number(line.slice(series.length + 1)) : NaN;
        };
        const delivered = [...received.values()].reduce((n, x) => n + x, 0);
        return (
          value('outpost_membership_changes_pending{scope="devices"}') === 0 &&
          value('outpost_membership_changes_pending{scope="all"}') === 0 &&
          value('outpost_guard_document_passes_running') === 0 &&
          delivered >= value('outpost_guard_documents_published_total')
        );
      },
      30_000,
      100,
    );

  before(async () => {
    t = await startTestHub({ heartbeatFactor: 5 });
    await t.admin.groups.create({ path: 'watch', kind: 'dynamic', filter: 'tag.watch = "1"' });
    await t.admin.guard.setGroupPolicy('watch', enforce);
    await t.admin.groups.create({ path: 'cell-a', kind: 'static' });
    await t.admin.guard.setGroupPolicy('cell-a', { ...enforce, mode: 'alert' });
    const tok = await t.admin.enrollment.createToken({ label: 'guard fleet', maxUses: FLEET });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: FLEET,
      prefix: 'guardsim',
      cacheDir: cache,
      rampMs: 500,
      enrollConcurrency: 8,
      features: (d) => [countingGuard(d.deviceId)],
    });
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === FLEET,
      60_000,
      250,
    );
    await settle();
  });

  after(async () => {
    await sim?.stop({ clean: true });
    await t?.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('a bulk tag is one pass and one document per device that changed; none for the rest', async () => {
    assert.deepEqual(
      [...snapshot().values()].filter((n) => n > 0),
      [],
      'no device is in a group with a policy yet',
    );
    const chosen = sim.ids.slice(0, 20);
    const rest = sim.ids.slice(20);
    const from = snapshot();
    const since = Date.now();
    assert.equal((await t.admin.devices.tagWhere(idIn(chosen), { watch: '1' })).matched, 20);
    await eventually(() => chosen.every((id) => modeOf(id) === 'enforce'), 3000);
    await settle();
    assert.deepEqual(
      delta(from, chosen),
      chosen.map(() => 1),
      'exactly one document per changed device',
    );
    assert.deepEqual(
      delta(from, rest),
      rest.map(() => 0),
      'nothing for unaffected devices',
    );
    assert.deepEqual(
      publishing(since).map((p) => p.changed),
      [20],
      'one pass for the whole bulk change',
    );
    assert.equal(rest.filter((id) => modeOf(id) !== 'monitor').length, 0);
  });

  it('changes that leave the effective policy as it was publish nothing', async () => {
    const from = snapshot();
    const since = Date.now();
    await t.admin.devices.tagWhere('online', { note: 'inventory-2026' });
    await t.admin.devices.tagWhere(idIn(sim.ids.slice(0, 20)), { watch: '1' });
    await eventually(() => passesSince(since).reduce((n, x) => n + x.devices, 0) >= FLEET, 3000);
    await settle();
    assert.equal(
      passesSince(since).reduce((n, p) => n + p.changed, 0),
      0,
    );
    assert.deepEqual(
      delta(from, sim.ids),
      sim.ids.map(() => 0),
      'identical documents are not sent again',
    );
  });

  it('a burst of single changes is coalesced; a static group move by filter and an untag each publish once per changed device', async () => {
    const burst = sim.ids.slice(20, 30);
    let from = snapshot();
    let since = Date.now();
    await Promise.all(burst.map((id) => t.admin.devices.tag(id, { watch: '1' })));
    await eventually(() => burst.every((id) => modeOf(id) === 'enforce'), 3000);
    await settle();
    assert.deepEqual(
      delta(from, sim.ids),
      sim.ids.map((id) => (burst.includes(id) ? 1 : 0)),
    );
    const passes = publishing(since);
    assert.ok(passes.length < burst.length, `ten requests, ${passes.length} passes`);
    assert.equal(
      passes.reduce((n, p) => n + p.changed, 0),
      burst.length,
    );

    // The last ten, never watched, move into a static group with an alert policy.
    const cell = sim.ids.slice(30);
    from = snapshot();
    since = Date.now();
    assert.equal((await t.admin.groups.addMembers('cell-a', { filter: idIn(cell) })).changed, 10);
    await eventually(() => cell.every((id) => modeOf(id) === 'alert'), 3000);
    await settle();
    assert.deepEqual(
      delta(from, sim.ids),
      sim.ids.map((id) => (cell.includes(id) ? 1 : 0)),
    );
    assert.deepEqual(
      publishing(since).map((p) => p.changed),
      [10],
    );

    // Untagging everyone: the thirty watched devices revert (to no policy), the cell keeps its own.
    from = snapshot();
    since = Date.now();
    await t.admin.devices.tagWhere('tag.watch = "1"', {}, ['watch']);
    const watched = sim.ids.slice(0, 30);
    await eventually(() => watched.every((id) => features.get(id)!.status().source === 'local'), 3000);
    await settle();
    assert.deepEqual(
      delta(from, sim.ids),
      sim.ids.map((id) => (watched.includes(id) ? 1 : 0)),
    );
    assert.deepEqual(
      publishing(since).map((p) => p.changed),
      [30],
    );
    assert.ok(cell.every((id) => modeOf(id) === 'alert'));
  });
});
