import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTcpForward } from '@outpost/client/relay';
import { exposeSimService, startSimulation, type Simulation } from '@outpost/sim';
import type { OutpostClient } from '@outpost/client';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { exchange, operatorLeg, startHttpService, testTerminal } from './support/access-peers.js';
import { recordingKey } from '../src/domains/access/access-recordings.js';

describe('access policies on a simulated device: approval, limits, precedence, retention', () => {
  let t: TestHub;
  let sim: Simulation;
  let alice: OutpostClient;
  let bob: OutpostClient;
  let web: Awaited<ReturnType<typeof startHttpService>>;
  let id = '';
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-access-'));

  before(async () => {
    t = await startTestHub();
    web = await startHttpService();
    await t.admin.groups.create({ path: 'plant', kind: 'static' });
    const tok = await t.admin.enrollment.createToken({ label: 'sim', group: 'plant' });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: 1,
      cacheDir: cache,
      rampMs: 0,
      prefix: 'simacc',
    });
    id = sim.ids[0];
    // The simulated gateway's "port 502" is a real service on this machine.
    exposeSimService(id, 502, { port: web.port });
    alice = await t.userClient('operator');
    bob = await t.userClient('operator');
    await eventually(async () => (await t.admin.devices.get(id)).presence === 'online');
  });
  after(async () => {
    await sim?.stop({ clean: true });
    await web?.close();
    await t?.stop();
    rmSync(cache, { recursive: true, force: true });
  });

  it('lets the most specific policy decide, and needs a second person when it says so', async () => {
    await t.admin.access.createPolicy({
      name: 'plant-open',
      group: 'plant',
      targets: ['tcp:502', 'console'],
      mfaMaxAgeS: null,
    });
    await t.admin.access.createPolicy({
      name: 'this-gw-4eyes',
      deviceId: id,
      targets: ['tcp:502'],
      requireApproval: true,
      mfaMaxAgeS: null,
      maxConcurrent: 1,
    });
    const r = await alice.access.request({ deviceId: id, target: 'tcp:502', reason: 'four eyes', durationS: 300 });
    assert.equal(r.session.state, 'requested');
    assert.equal(r.operatorToken, null);
    await assert.rejects(alice.access.approve(r.session.id), (e: { code: string }) => e.code === 'forbidden');
    await assert.rejects(alice.access.open(r.session.id), (e: { code: string }) => e.code === 'conflict');
    const approved = await bob.access.approve(r.session.id, { note: 'ok for ticket 4711' });
    assert.equal(approved.approvedBy, (await bob.me()).username);
    await assert.rejects(bob.access.open(r.session.id), (e: { code: string }) => e.code === 'forbidden');
    const opened = await alice.access.open(r.session.id);
    assert.ok(opened.operatorToken);
    await assert.rejects(alice.access.open(r.session.id), (e: { code: string }) => e.code === 'conflict');

    // The device policy allows one session at a time.
    await assert.rejects(
      alice.access.request({ deviceId: id, target: 'tcp:502', reason: 'second', durationS: 60 }),
      (e: { code: string; status: number }) => e.code === 'access_session_limit' && e.status === 409,
    );
    const link = operatorLeg(t, alice, opened);
    await link.ready;
    const fwd = await startTcpForward(link);
    const answer = await exchange(fwd.port, 'GET /sim HTTP/1.0\r\n\r\n', 10);
    assert.match(answer.toString(), /hello \/sim/);
    link.close();
    await link.ended;
    await eventually(async () => (await alice.access.session(r.session.id)).state === 'closed');

    const denied = await alice.access.request({ deviceId: id, target: 'tcp:502', reason: 'again', durationS: 60 });
    await bob.access.deny(denied.session.id, 'not today');
    assert.equal((await alice.access.session(denied.session.id)).state, 'denied');
    const actions = (await t.admin.audit.list({ target: `access-session:${denied.session.id}` })).items.map(
      (a) => a.action,
    );
    assert.deepEqual(actions.sort(), ['access.session.deny', 'access.session.request']);
  });

  it("serves the simulated device's console, and deletes transcripts past their retention", async () => {
    const r = await alice.access.request({ deviceId: id, target: 'console', reason: 'look around', durationS: 120 });
    const link = operatorLeg(t, alice, r);
    await link.ready;
    const term = testTerminal();
    link.mux.open(term.stream, { cols: 80, rows: 24 });
    await term.waitFor('> ');
    term.type('show version\r');
    await term.waitFor('firmware');
    term.type('exit\r');
    await term.ended;
    link.close();
    const s = await eventually(async () => {
      const x = await alice.access.session(r.session.id);
      return x.recording?.sha256 ? x : null;
    });
    const row = await t.hub.db
      .selectFrom('access_sessions')
      .select('recording_path')
      .where('id', '=', s.id)
      .executeTakeFirstOrThrow();
    // Kept in the hub's blob store (on SQLite: the data directory, by month).
    const file = join(t.dir, recordingKey(row.recording_path!));
    assert.ok(existsSync(file), file);

    await t.admin.access.putSettings({ recordingRetentionDays: 1 });
    assert.equal(await t.hub.domains.access.purgeRecordings(), 0);
    await t.hub.db
      .updateTable('access_sessions')
      .set({ ended_at: new Date(Date.now() - 2 * 86_400_000).toISOString() })
      .where('id', '=', s.id)
      .execute();
    assert.equal(await t.hub.domains.access.purgeRecordings(), 1);
    assert.ok(!existsSync(file));
    await assert.rejects(
      alice.access.recording(s.id),
      (e: { code: string; message: string }) => e.code === 'conflict' && /retention/.test(e.message),
    );
    const kept = await alice.access.session(s.id);
    assert.equal(kept.recording!.sha256, s.recording!.sha256);
    assert.ok(kept.recording!.deletedAt);
    assert.equal((await t.admin.audit.list({ action: 'access.recording.purge' })).items[0].details.sessions, 1);
  });
});
