import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, downloadDiagnostics, type OutpostClient } from '@outpost/client';
import type { DiagnosticRunDetail } from '@outpost/protocol';
import { SITES, simDiagnosticsFeature, startSimulation, type Simulation } from '@outpost/sim';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';

// Diagnostics on a fleet of simulated devices: their agents' real diagnostics feature checks
// names and parameters; only the processes (ip -j addr, mmcli -J…) are simulated.

const DEVICES = 500;
const refusedWith = (status: number, code: string, message?: RegExp) => (e: unknown) => {
  const err = e as { status?: number; code?: string; message?: string };
  return err.status === status && err.code === code && (!message || message.test(err.message ?? ''));
};

describe('diagnostics on 500 simulated devices', () => {
  let t: TestHub;
  let sim: Simulation;
  const work = mkdtempSync(join(tmpdir(), 'outpost-diag-int-'));

  async function finished(c: OutpostClient, id: string, ms = 180_000): Promise<DiagnosticRunDetail> {
    let run: DiagnosticRunDetail | null = null;
    await eventually(
      async () => {
        run = await c.diagnostics.get(id, 0);
        return run.state === 'finished';
      },
      ms,
      250,
    );
    return c.diagnostics.get(id);
  }

  async function scopedUser(role: 'operator' | 'viewer', groups: string[]) {
    const username = `${role}-${groups.join('-') || 'all'}-${Date.now()}`;
    const user = await t.admin.users.create({ username, password: 'a-long-password-1', role });
    if (groups.length) await t.admin.users.update(user.id, { groups });
    const { session } = await t.anonymous().login(username, 'a-long-password-1');
    return createClient({ ...t.anonymous().options, session });
  }

  before(async () => {
    t = await startTestHub({});
    const tokens: Record<string, string> = {};
    let fp = '';
    for (const site of SITES) {
      const tok = await t.admin.enrollment.createToken({ label: site, maxUses: DEVICES, tags: { site } });
      tokens[site] = tok.token;
      fp = tok.caFingerprint;
    }
    await t.admin.groups.create({ path: 'north', kind: 'dynamic', filter: 'tag.site = "north"' });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: fp,
      tokenFor: (p) => tokens[p.site],
      devices: DEVICES,
      prefix: 'dg',
      cacheDir: join(work, 'identities'),
      healthIntervalS: 600,
      rampMs: 5_000,
      features: (d) => [simDiagnosticsFeature(d)],
      renewal: false,
    });
    await eventually(
      async () => (await t.admin.devices.list({ filter: 'online', limit: 1000 })).items.length === DEVICES,
      240_000,
      500,
    );
  });
  after(async () => {
    await sim?.stop({ clean: true });
    await t?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the names a device declared, not its commands', async () => {
    const d = await t.admin.diagnostics.declared(sim.ids[0]);
    assert.deepEqual(d.names.sort(), ['ip-addr', 'modem', 'modem-reset', 'ping-host', 'uptime']);
  });

  it('runs a diagnostic on 500 devices and keeps 500 results with their output', async () => {
    const run = await t.admin.diagnostics.start({ name: 'ip-addr', filter: '' });
    assert.equal(run.devices, DEVICES);
    const done = await finished(t.admin, run.id);
    assert.deepEqual(done.counts, { ok: DEVICES }, JSON.stringify(done.results.filter((r) => r.status !== 'ok')[0]));
    assert.equal(done.results.length, DEVICES);
    for (const r of done.results) {
      assert.equal(r.exitCode, 0);
      const ifaces = JSON.parse(r.stdout) as Array<{ ifname: string; addr_info: unknown[] }>;
      assert.deepEqual(
        ifaces.map((i) => i.ifname),
        ['lo', 'eth0', 'wwan0'],
      );
    }
    // Downloads: one JSON document with the whole outputs, and a zip a real unzip reads.
    const json = join(work, 'r.json');
    await downloadDiagnostics(t.admin.options, run.id, 'json', json);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { run: { id: string }; results: Array<{ stdout: string }> };
    assert.equal(doc.run.id, run.id);
    assert.equal(doc.results.length, DEVICES);
    const zip = join(work, 'r.zip');
    await downloadDiagnostics(t.admin.options, run.id, 'zip', zip);
    execFileSync('unzip', ['-tq', zip]);
    const listing = execFileSync('unzip', ['-Z1', zip]).toString().trim().split('\n');
    assert.equal(listing.length, 1 + 3 * DEVICES);
    const stdout = execFileSync('unzip', ['-p', zip, `${sim.ids[0]}/stdout.txt`]).toString();
    assert.equal(stdout, done.results.find((r) => r.deviceId === sim.ids[0])!.stdout);
    // The output is stored once, with the run; the diag-run command keeps its status and where the output went.
    const diagCommands = (await t.admin.devices.commands(sim.ids[0])).items.filter((c) => c.name === 'diag-run');
    assert.equal(diagCommands.length, 1);
    const commandResult = diagCommands[0].result as Record<string, unknown>;
    assert.equal(commandResult.status, 'ok');
    assert.equal(commandResult.outputKeptIn, `diagnostic-run:${run.id}`);
    assert.equal(commandResult.stdout, undefined);
    assert.equal(commandResult.stderr, undefined);
    // The run is audited: who ran what, on how many devices.
    const audit = await t.admin.audit.list({ action: 'diagnostic.run', limit: 10 });
    const entry = audit.items.find((a) => a.target === `diagnostic-run:${run.id}`);
    assert.ok(entry, 'audit entry of the run');
    assert.equal((entry.details as { devices: number }).devices, DEVICES);
  });

  it('has the agents refuse an undeclared diagnostic and a parameter failing its pattern', async () => {
    const one = sim.ids.slice(0, 1)[0];
    const undeclared = await t.admin.diagnostics.start({ name: 'rm-everything', deviceId: one });
    const [r1] = (await finished(t.admin, undeclared.id, 60_000)).results;
    assert.deepEqual([r1.status, r1.reason], ['refused', 'diag_not_declared']);
    const bad = await t.admin.diagnostics.start({ name: 'ping-host', param: '8.8.8.8;reboot', deviceId: one });
    const [r2] = (await finished(t.admin, bad.id, 60_000)).results;
    assert.deepEqual([r2.status, r2.reason], ['refused', 'diag_param_invalid']);
    const good = await t.admin.diagnostics.start({ name: 'ping-host', param: 'example.net', deviceId: one });
    const [r3] = (await finished(t.admin, good.id, 60_000)).results;
    assert.equal(r3.status, 'ok');
    assert.match(r3.stdout, /^PING example\.net/);
  });

  it('lets viewers read and operators run; a scoped operator reaches only its group', async () => {
    const viewer = await scopedUser('viewer', []);
    await assert.rejects(
      viewer.diagnostics.start({ name: 'uptime', filter: '' }),
      refusedWith(403, 'forbidden', /operator/),
    );
    assert.ok((await viewer.diagnostics.list()).items.length > 0);

    const op = await scopedUser('operator', ['north']);
    const north = (await t.admin.devices.list({ filter: 'tag.site = "north"', limit: 1000 })).items.map((d) => d.id);
    const south = (await t.admin.devices.list({ filter: 'tag.site = "south"', limit: 1 })).items[0].id;
    await assert.rejects(
      op.diagnostics.start({ name: 'uptime', deviceId: south }),
      refusedWith(404, 'device_not_found'),
    );
    const all = await op.diagnostics.start({ name: 'uptime', filter: '' });
    assert.equal(all.devices, north.length);
    const done = await finished(op, all.id);
    assert.deepEqual(done.results.map((r) => r.deviceId).sort(), [...north].sort());
    // A run made by the admin on every device shows the scoped operator only its group's results.
    const wide = await t.admin.diagnostics.start({ name: 'uptime', filter: 'tag.site in ("north", "south")' });
    const seen = await finished(op, wide.id);
    assert.deepEqual(seen.results.map((r) => r.deviceId).sort(), [...north].sort());
    await assert.rejects(op.diagnostics.deviceResult(wide.id, south), refusedWith(404, 'device_not_found'));
  });
});
