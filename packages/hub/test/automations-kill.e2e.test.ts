import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type OutpostClient } from '@outpost/client';
import type { Agent, AgentFeature } from '@outpost/agent';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';
import { eventually, restartablePort, type TestHub } from './support/test-hub.js';

// End to end (the compiled hub in its own process, killed for real; an e2e file for its time bound).
// A hub killed with SIGKILL in the middle of an automation run over 100 devices, then started
// again on the same data directory: each device counts the command requests it receives, and no
// step reaches a device twice; the run finishes on the restarted hub.

const OUTPOST_MAIN = fileURLToPath(new URL('../../cli/dist/main.js', import.meta.url));
const N = 100;
const PASSWORD = 'a-long-admin-password-1';

/** The compiled hub in a process of its own; resolves once its API answers. */
async function startHubProcess(env: NodeJS.ProcessEnv, url: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [OUTPOST_MAIN, 'hub'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-8000)));
  proc.stderr!.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-8000)));
  const deadline = Date.now() + 150_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`hub exited ${proc.exitCode}: ${text}`);
    if (Date.now() > deadline) throw new Error(`hub did not answer: ${text}`);
    try {
      // The CA is not known yet on a first start: this probe only asks whether the port answers.
      await fetch(`${url}/api/v1/auth/me`, { signal: AbortSignal.timeout(2000) });
      return proc;
    } catch (err) {
      if (/certificate|self.signed|UNABLE_TO_VERIFY|unable to verify/i.test(String((err as Error).cause ?? err)))
        return proc;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A feature that answers two commands slowly and counts every request it receives. */
function countingFeature(seen: Map<string, number>): AgentFeature {
  const answer = (name: string) => async () => {
    seen.set(name, (seen.get(name) ?? 0) + 1);
    await new Promise((r) => setTimeout(r, 150));
    return { done: name };
  };
  return { name: 'counting', commands: { 'step-one': answer('step-one'), 'step-two': answer('step-two') } };
}

test('a hub SIGKILLed mid-run over 100 devices sends no step twice and finishes the run after its restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-hub-kill-'));
  const httpPort = await restartablePort();
  const mqttPort = await restartablePort();
  const env = {
    ...process.env,
    OUTPOST_DATA_DIR: dir,
    OUTPOST_HTTP_PORT: String(httpPort),
    OUTPOST_MQTT_PORT: String(mqttPort),
    OUTPOST_BIND: '127.0.0.1',
    OUTPOST_PUBLIC_HOST: '127.0.0.1',
    OUTPOST_ADMIN_PASSWORD: PASSWORD,
    OUTPOST_API_REQUESTS_PER_MINUTE: '1000000',
  };
  const T = Date.now();
  let hub = await startHubProcess(env, `https://127.0.0.1:${httpPort}`);
  console.error('hub up', Date.now() - T);
  const agents: Agent[] = [];
  const seen = new Map<string, Map<string, number>>();
  try {
    const caPem = readFileSync(join(dir, 'pki', 'ca.crt'), 'utf8');
    const base = { baseUrl: `https://127.0.0.1:${httpPort}`, caPem };
    const login = async () =>
      createClient({ ...base, session: (await createClient(base).login('admin', PASSWORD)).session });
    let admin: OutpostClient = await login();
    const t = { hub: { httpUrl: base.baseUrl, mqttPort, caPem }, admin } as unknown as TestHub;
    const devices: EnrolledDevice[] = [];
    for (let i = 0; i < N; i += 10)
      devices.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, j) => enrollTestDevice(t, `kill-${String(i + j).padStart(3, '0')}`)),
        )),
      );
    console.error('enrolled', Date.now() - T);
    for (const [i, d] of devices.entries()) {
      const counts = new Map<string, number>();
      seen.set(d.id, counts);
      // Redialing as a field device does, not every half second: a hundred TLS handshakes a
      // second would slow the restarting hub more than the test needs.
      const backoff = { baseMs: 1000, capMs: 8000 };
      agents.push(startTestAgent(t, d, { index: i + 1, features: [countingFeature(counts)], backoff }));
    }
    await eventually(
      async () => (await admin.devices.list({ filter: 'online', limit: 1, count: true })).total === N,
      90_000,
      250,
    );
    console.error('online', Date.now() - T);

    await admin.automations.create({
      name: 'two-steps',
      trigger: { kind: 'manual' },
      target: { kind: 'devices', filter: 'id ~ "kill-"' },
      steps: [
        { type: 'command', name: 'step-one', timeoutS: 180, on: { timeout: 'continue' } },
        { type: 'command', name: 'step-two', timeoutS: 180, on: { timeout: 'continue' } },
      ],
      // Devices still redialing the restarted hub when their turn comes are taken up when they return.
      guards: { maxDevices: N, maxConcurrent: 50, cooldownMin: 0, offline: 'pick_up', pickUpWithinMin: 10 },
    });
    const run = await admin.automations.run('two-steps');
    // Kill once some devices are through and others are in flight or still queued.
    await eventually(async () => ((await admin.automations.runShow(run.id)).counts.succeeded ?? 0) >= 10, 90_000, 100);
    console.error('kill at', Date.now() - T);
    const exited = new Promise((r) => hub.once('exit', r));
    hub.kill('SIGKILL');
    await exited;
    const before = await new Promise<number>((r) =>
      setTimeout(() => r([...seen.values()].filter((c) => c.size > 0).length), 500),
    );
    assert.ok(before < N, 'the run was cut in the middle');

    hub = await startHubProcess(env, `https://127.0.0.1:${httpPort}`);
    console.error('restarted', Date.now() - T);
    admin = await login();
    const done = await eventually(
      async () => {
        const r = await admin.automations.runShow(run.id);
        return r.state !== 'running' ? r : null;
      },
      180_000,
      500,
    );
    assert.notEqual(done.state, 'failed', JSON.stringify(done.counts));
    assert.equal((done.counts.succeeded ?? 0) + (done.counts.failed ?? 0), N, JSON.stringify(done.counts));
    const { items } = await admin.automations.runDevices(run.id, { limit: 1000 });
    assert.equal(items.length, N);
    for (const d of items) {
      const counts = seen.get(d.deviceId)!;
      assert.equal(d.steps.length, 2, `${d.deviceId}: ${JSON.stringify(d.steps)}`);
      for (const step of d.steps) {
        const name = step.index === 0 ? 'step-one' : 'step-two';
        const received = counts.get(name) ?? 0;
        // Never twice; and a step the hub holds as answered reached the device exactly once. (A step
        // whose answer was lost with the killed hub ends as a timeout, and is not sent again.)
        assert.ok(received <= 1, `${d.deviceId} received ${name} ${received} times`);
        if (step.outcome === 'ok') assert.equal(received, 1, `${d.deviceId} ${name}: ${JSON.stringify(step)}`);
      }
    }
    const answered = items.filter((d) => d.steps.every((s) => s.outcome === 'ok')).length;
    console.error('answered both steps', answered, 'of', N, 'finished', Date.now() - T);
  } finally {
    await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
    if (hub.exitCode === null && hub.signalCode === null) {
      const exited = new Promise((r) => hub.once('exit', r));
      hub.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.kek`, { force: true });
  }
});
