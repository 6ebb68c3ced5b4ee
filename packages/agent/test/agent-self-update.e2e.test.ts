import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RolloutRecord } from '@outpost/protocol';
import { startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { eventually } from '../../hub/test/support/eventually.js';
import { releaseArtifact, setupTrust, type ReleaseKey } from '../../hub/test/support/updates.js';
import { readAgentUpdate } from '../src/updates/agent-update-record.js';
import { packageAgent, unpack, type AgentPackage } from './support/packaged-agent.js';
import { startServiceLoop, type ServiceLoop } from './support/service-loop.js';

// The agent replacing itself as a device does it: releases packaged by scripts/package-agent.mjs,
// installed with install.sh, run through the installed launcher in a loop that restarts it as
// systemd's Restart=on-failure does, and updated by rollouts from a real hub.
const DEVICE = 'self-update-1';
const MODEL = 'gw-self';
const BROKEN_ENTRY = resolve(import.meta.dirname, 'fixtures/exits-at-start.ts');

describe('the agent updates itself', { timeout: 400_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'outpost-self-update-'));
  const prefix = join(work, 'prefix');
  const state = join(work, 'state');
  const lib = join(prefix, 'lib/outpost-agent');
  let base: AgentPackage;
  let good: AgentPackage;
  let broken: AgentPackage;
  let t: TestHub;
  let keys: ReleaseKey[];
  let service: ServiceLoop | undefined;

  before(async () => {
    base = packageAgent(join(work, 'base'), { sea: false });
    good = packageAgent(join(work, 'good'), { sea: false, version: '0.2.0' });
    broken = packageAgent(join(work, 'broken'), { sea: false, version: '0.3.0', entry: BROKEN_ENTRY });
    t = await startTestHub({ rolloutTickMs: 200 });
    ({ keys } = await setupTrust(t));
  });
  after(async () => {
    await service?.stop();
    await t?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  const device = () => t.admin.devices.get(DEVICE);
  const release = (p: AgentPackage, counter: number) =>
    releaseArtifact(t, keys, {
      name: 'outpost-agent',
      version: p.version,
      kind: 'agent',
      models: [MODEL],
      content: readFileSync(p.tarball),
      counter,
    });
  async function rollOut(artifactId: string, name: string) {
    const r = await t.admin.rollouts.create({
      name,
      artifactId,
      target: { filter: `id = "${DEVICE}"` },
      waves: [{ count: 1 }],
      healthDeadlineS: 180,
      deviceTimeoutS: 300,
    });
    assert.equal(r.state, 'running');
    return r;
  }
  const settled = (id: string) =>
    eventually(
      async () => {
        const r = await t.admin.rollouts.get(id);
        return r.state === 'completed' || r.state === 'aborted' ? r : null;
      },
      240_000,
      250,
    );
  const jobPath = async (r: RolloutRecord) => {
    const [job] = (await t.admin.rollouts.jobs(r.id, {})).items;
    return (await t.admin.rollouts.job(job.id)).history!.map((h) => h.state + (h.reason ? `(${h.reason})` : ''));
  };

  it('installs the base release and runs it through the launcher, restarted as systemd would', async () => {
    assert.equal(base.version, '0.1.0');
    const tok = await t.admin.enrollment.createToken({ label: 'self-update' });
    const dir = join(work, 'unpacked-base');
    mkdirSync(dir);
    const args = ['--hub', t.hub.httpUrl, '--token', tok.token, '--ca-fingerprint', tok.caFingerprint, '--id', DEVICE];
    const r = await new Promise<{ code: number; err: string }>((res) =>
      execFile(
        join(unpack(base.tarball, dir), 'install.sh'),
        [...args, '--prefix', prefix, '--state-dir', state, '--no-systemd', '--node', process.execPath],
        { env: { PATH: '/usr/bin:/bin' }, timeout: 120_000 },
        (e, _o, err) => res({ code: e ? Number(e.code) : 0, err }),
      ),
    );
    assert.equal(r.code, 0, r.err);
    assert.equal(readlinkSync(join(lib, 'current')), '0.1.0');
    service = startServiceLoop(
      join(prefix, 'bin/outpost-agent'),
      ['run', '--dir', state, '--model', MODEL, '--health-interval', '5', '--flows-interval', '0'],
      { PATH: '/usr/bin:/bin' },
    );
    await eventually(async () => {
      const d = await device();
      return d.presence === 'online' && d.agentVersion === '0.1.0';
    }, 60_000);
  });

  it('rolls out a good release: it lands beside the running one, restarts into it and confirms', async () => {
    const art = await release(good, 1);
    const startedAt = Date.now();
    const r = await rollOut(art.id, 'agent 0.2.0');
    const done = await settled(r.id);
    const seconds = (Date.now() - startedAt) / 1000;
    assert.equal(done.state, 'completed', `${done.state}: ${done.reason}`);
    assert.equal(done.counts.succeeded, 1);
    assert.deepEqual(await jobPath(done), [
      'queued',
      'sent',
      'downloading',
      'downloaded',
      'installing',
      'rebooting',
      'verifying',
      'succeeded',
    ]);
    await eventually(async () => (await device()).agentVersion === '0.2.0', 30_000);
    assert.equal(readlinkSync(join(lib, 'current')), '0.2.0');
    assert.ok(existsSync(join(lib, '0.1.0/outpost-agent.cjs')), 'the previous version stays beside it');
    assert.deepEqual(readAgentUpdate(state), {
      ...readAgentUpdate(state)!,
      state: 'confirmed',
      previous: '0.1.0',
      next: '0.2.0',
      starts: 1,
    });
    const runs = service!.runs();
    assert.equal(
      runs.length,
      2,
      `one restart, into the new version: ${JSON.stringify(runs)}\n${service!.output().slice(-3000)}`,
    );
    assert.equal(runs[0].code, 75);
    process.stderr.write(`# self-update: rollout start to confirmed in ${seconds.toFixed(1)} s\n`);
  });

  it('rolls back a release that exits at start, by itself, and the rollout says rolled_back', async () => {
    const art = await release(broken, 2);
    const before = service!.runs().length;
    const startedAt = Date.now();
    const r = await rollOut(art.id, 'agent 0.3.0');
    const done = await settled(r.id);
    const seconds = (Date.now() - startedAt) / 1000;
    assert.equal(done.counts.rolled_back, 1, JSON.stringify(done.counts));
    // The new version never ran long enough to say `verifying`: the previous one reports the outcome.
    assert.deepEqual(await jobPath(done), [
      'queued',
      'sent',
      'downloading',
      'downloaded',
      'installing',
      'rebooting',
      'rolled_back(agent_start_failed)',
    ]);
    assert.equal(readlinkSync(join(lib, 'current')), '0.2.0');
    const rec = readAgentUpdate(state)!;
    assert.equal(rec.state, 'rolled_back');
    assert.equal(rec.reason, 'agent_start_failed');
    assert.equal(rec.next, '0.3.0');
    assert.equal(rec.starts, 3);
    // The launcher started 0.3.0 three times, each exit 1, then 0.2.0 again.
    // From the run of 0.2.0 that took the job on.
    const runs = service!.runs().slice(before - 1);
    assert.deepEqual(
      runs.map((x) => x.code),
      [75, 1, 1, 1, null],
    );
    await eventually(async () => {
      const d = await device();
      return d.presence === 'online' && d.agentVersion === '0.2.0';
    }, 30_000);
    assert.match(service!.output(), /this release exits at start/);
    assert.match(service!.output(), /agent 0\.3\.0 rolled back to 0\.2\.0 \(agent_start_failed\)/);
    process.stderr.write(`# self-update: rollout start to rolled_back (broken release) in ${seconds.toFixed(1)} s\n`);
  });
});
