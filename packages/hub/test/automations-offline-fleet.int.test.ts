import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simDiagnosticsFeature, startSimulation, type Simulation } from '@outpost/sim';
import { eventually, hubTestClock, startTestHub, type TestHub } from './support/test-hub.js';

// The offline → modem reset → wait until online → notify automation on a real hub (hub time moved
// by the manual clock) and 50 simulated devices declaring a `modem-reset` diagnostic. Devices
// 0–29 lose their link; 0–14 come back while their run waits to reach them, 15–29 stay down;
// 30–49 never leave. Then 0–4 drop again inside their cool-down.

const N = 50;
const MIN = 60_000;

test(
  'offline > 10 min → modem reset, wait until online (15 min), notify if still offline: 50 simulated devices',
  { timeout: 170_000 },
  async () => {
    const clock = hubTestClock();
    // Every timer due on the way fires at each jump of hub time: the hub's short ones are kept few.
    const t: TestHub = await startTestHub(
      { ingestFlushMs: 100, presenceSweepMs: 1000, automationsTickMs: 4000 },
      undefined,
      { clock },
    );
    const received = new Map<string, string[]>();
    let sim: Simulation | undefined;
    try {
      const tok = await t.admin.enrollment.createToken({ label: 'modem fleet', maxUses: N });
      sim = await startSimulation({
        hubUrl: t.hub.httpUrl,
        caFingerprint: tok.caFingerprint,
        token: tok.token,
        devices: N,
        cacheDir: mkdtempSync(join(tmpdir(), 'outpost-modem-')),
        prefix: 'mr',
        // Heartbeats far apart: presence follows the links, not the jumps of hub time.
        healthIntervalS: 3600,
        rampMs: 1000,
        enrollConcurrency: 8,
        backoff: { baseMs: 100, capMs: 500 },
        renewal: false,
        features: (d) => [
          simDiagnosticsFeature(d, (name) => received.set(d.deviceId, [...(received.get(d.deviceId) ?? []), name])),
        ],
      });
      const ids = sim.ids;
      const count = async (filter: string) => (await t.admin.devices.list({ filter, limit: 1, count: true })).total;
      await eventually(async () => (await count('id ~ "mr-" and online')) === N, 90_000, 250);

      const channel = await t.admin.channels.create({
        name: 'ops',
        kind: 'webhook',
        config: { url: 'http://127.0.0.1:9/hook' },
        digest: { waitS: 1, intervalS: 0 },
      });
      await t.admin.automations.create({
        name: 'modem-recovery',
        trigger: { kind: 'offline', forMin: 10, watch: 'id ~ "mr-"' },
        target: { kind: 'trigger_device' },
        steps: [
          { type: 'diagnostic', name: 'modem-reset', timeoutS: 300, on: { failed: 'continue', timeout: 'continue' } },
          { type: 'wait', until: 'online', timeoutS: 900, on: { ok: 'skip_rest', timeout: 'continue' } },
          { type: 'notify', channelId: channel.channel.id, message: '{device} still offline after a modem reset' },
        ],
        guards: { cooldownMin: 60 },
      });

      const down = ids.slice(0, 30);
      const back = ids.slice(0, 15);
      const away = ids.slice(15, 30);
      await Promise.all(down.map((id) => sim!.devices.find((d) => d.id === id)!.cutLink(3_600_000)));
      await eventually(async () => (await count('id ~ "mr-" and offline')) === 30, 60_000, 250);

      // Past 10 minutes offline: one run each, waiting to reach a device that is away.
      await clock.advance(11 * MIN);
      const runsOf = async () => (await t.admin.automations.runs('modem-recovery', 200)).items;
      await eventually(async () => (await runsOf()).length === 30, 60_000, 250);
      assert.equal(received.size, 0, 'nothing reaches a device that is away');

      // 0–14 come back: each receives the reset once and its run ends there.
      for (const id of back) sim.devices.find((d) => d.id === id)!.restoreLink();
      const stateOf = async () => {
        const out = new Map<string, { state: string; steps: string[]; reason: string | null; runId: string }>();
        // Oldest first: a device's first run is the one that acted.
        for (const r of (await runsOf()).reverse()) {
          if (out.has(r.trigger.deviceId!)) continue;
          const [dev] = (await t.admin.automations.runDevices(r.id)).items;
          out.set(r.trigger.deviceId!, {
            state: dev.state,
            steps: dev.steps.map((s) => `${s.type}:${s.outcome}`),
            reason: dev.reason,
            runId: r.id,
          });
        }
        return out;
      };
      await eventually(
        async () => {
          const s = await stateOf();
          return back.every((id) => s.get(id)?.state === 'succeeded');
        },
        60_000,
        250,
      );

      // 0–4 drop again at once: more than 10 minutes away by the end, inside their 60-minute cool-down.
      const again = back.slice(0, 5);
      await Promise.all(again.map((id) => sim!.devices.find((d) => d.id === id)!.cutLink(3_600_000)));
      await eventually(async () => (await count('id ~ "mr-" and offline')) === 20, 60_000, 250);

      // Past the reset's 5 minutes and the 15-minute wait: 15–29 are still away.
      await clock.advance(6 * MIN);
      await clock.advance(16 * MIN);
      const final = await eventually(
        async () => {
          if ((await runsOf()).length !== 35) return null;
          const s = await stateOf();
          return away.every((id) => s.get(id)?.state === 'succeeded') ? s : null;
        },
        90_000,
        500,
      );
      for (const id of back) {
        assert.deepEqual(final.get(id)!.steps, ['diagnostic:ok', 'wait:ok'], id);
        assert.match(final.get(id)!.reason!, /step 2 \(wait\) ok: the remaining steps were not needed/);
      }
      for (const id of away)
        assert.deepEqual(final.get(id)!.steps, ['diagnostic:timeout', 'wait:timeout', 'notify:ok'], id);
      const [awayDev] = (await t.admin.automations.runDevices(final.get(away[0])!.runId)).items;
      assert.equal(awayDev.steps[0].reason, 'the device was not reachable before the deadline');
      assert.equal(awayDev.steps[1].reason, 'not online in time');

      // Their second spell fired inside the cool-down: a run that says so and touches nothing.
      const runs = await runsOf();
      for (const id of again) {
        const mine = runs.filter((r) => r.trigger.deviceId === id);
        assert.equal(mine.length, 2, id);
        const devs = await Promise.all(mine.map(async (r) => (await t.admin.automations.runDevices(r.id)).items[0]));
        const held = devs.filter((d) => d.state === 'skipped');
        assert.equal(held.length, 1, id);
        assert.equal(held[0].steps.length, 0);
        assert.match(held[0].reason!, /^cool-down: acted on at .* not again before /);
      }

      // What the devices received: one reset each for those that came back, nothing for the others.
      for (const id of ids) assert.deepEqual(received.get(id) ?? [], back.includes(id) ? ['modem-reset'] : [], id);
      // A notification queued for each device still offline, and for no other.
      const messages = (await t.admin.notifications.list({ channel: channel.channel.id, limit: 100 })).items;
      assert.deepEqual(
        messages.map((m) => m.summary).sort(),
        away.map((id) => `${id} still offline after a modem reset`).sort(),
      );
      assert.ok(messages.every((m) => m.kind === 'automation'));
    } finally {
      await sim?.stop();
      await t.stop();
    }
  },
);
