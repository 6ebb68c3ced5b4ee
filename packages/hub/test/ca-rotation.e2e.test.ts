import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiError } from '@outpost/client';
import { createMqttTransportFactory } from '@outpost/agent';
import { startSimulation, type Simulation } from '@outpost/sim';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, type EnrolledDevice } from './support/devices.js';

// CA rotation end to end: 50 simulated devices (the real agent core each) and one compiled agent
// process move from the first CA to a new one over their own connections, the first CA is retired,
// and nobody enrolls again. Certificates live an hour: only the rotation makes anyone renew, within
// the hub's spread of 15 s.
const SIMULATED = 50;
const REAL = 'real-agent-1';
const AGENT_MAIN = fileURLToPath(new URL('../../agent/dist/main.js', import.meta.url));
const pemCerts = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
const fingerprints = (pem: string) =>
  pemCerts(pem).map((p) => createHash('sha256').update(new X509Certificate(p).raw).digest('hex'));

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [AGENT_MAIN, ...args], { encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
    ),
  );
}

describe('CA rotation', { timeout: 420_000 }, () => {
  let t: TestHub;
  let sim: Simulation | undefined;
  let agent: ChildProcess | undefined;
  let agentOutput = '';
  const cache = mkdtempSync(join(tmpdir(), 'outpost-sim-rotate-'));
  const realDir = mkdtempSync(join(tmpdir(), 'outpost-real-rotate-'));
  before(async () => {
    t = await startTestHub({ deviceCertSeconds: 3600, caRenewSpreadS: 15, heartbeatFactor: 3 });
  });
  after(async () => {
    await sim?.stop({ clean: false });
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    await t.stop();
    rmSync(cache, { recursive: true, force: true });
    rmSync(realDir, { recursive: true, force: true });
  });

  const online = async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total;
  const allIds = () => [...sim!.ids, REAL];
  const caOf = async (id: string) => (await t.admin.enrollment.certificateStatus(id)).current?.caId;
  const onCa = async (caId: string) => (await Promise.all(allIds().map(caOf))).filter((c) => c === caId).length;
  const enrollments = async () => (await t.admin.audit.list({ action: 'device.enroll', limit: 500 })).items.length;
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return err as ApiError;
    }
    throw new Error('the request was not refused');
  };

  it('moves 50 simulated devices and a real agent to a new CA, retires the old one, and nobody enrolls again', async (ctx) => {
    const tok = await t.admin.enrollment.createToken({ label: 'rotating fleet', maxUses: SIMULATED + 1 });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: tok.caFingerprint,
      token: tok.token,
      devices: SIMULATED,
      cacheDir: cache,
      prefix: 'rotate',
      healthIntervalS: 5,
      rampMs: 1000,
    });
    const enrolled = await run([
      'enroll',
      ...['--hub', t.hub.httpUrl, '--token', tok.token, '--ca-fingerprint', tok.caFingerprint],
      ...['--id', REAL, '--dir', realDir],
    ]);
    assert.equal(enrolled.code, 0, enrolled.out);
    agent = spawn(
      process.execPath,
      [AGENT_MAIN, 'run', '--dir', realDir, '--health-interval', '5', '--flows-interval', '0', '--no-access'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (c: Buffer) => (agentOutput = (agentOutput + c.toString()).slice(-50_000));
    agent.stdout!.on('data', keep);
    agent.stderr!.on('data', keep);
    await eventually(async () => (await online()) === SIMULATED + 1, 60_000, 250);
    const enrolledBefore = await enrollments();
    assert.equal(enrolledBefore, SIMULATED + 1);

    const rotatedAt = Date.now();
    const rotated = await t.admin.pki.rotateCa({ commonName: 'Outpost Device CA 2026' });
    assert.deepEqual([rotated.id, rotated.state, rotated.commonName], ['ca-2', 'active', 'Outpost Device CA 2026']);
    const during = await t.admin.pki.listCas();
    const first = during.items.find((c) => c.id === 'ca-1')!;
    assert.equal(first.state, 'retiring');
    assert.equal(first.servesHubTls, true, 'the old CA serves TLS until it is retired');
    // Devices start moving at once (the spread begins now): together the two CAs hold every device.
    const second = during.items.find((c) => c.id === 'ca-2')!;
    assert.ok(first.liveCertificates > 0 && first.devices + second.devices >= SIMULATED + 1, JSON.stringify(during));

    // Each device gets the bundle, renews within the spread and moves over; none drops out.
    let lowest = SIMULATED + 1;
    await eventually(
      async () => {
        lowest = Math.min(lowest, (await online()) ?? 0);
        return (await onCa('ca-2')) === SIMULATED + 1;
      },
      150_000,
      1000,
    );
    assert.equal(lowest, SIMULATED + 1, 'no device went offline while moving');
    ctx.diagnostic(
      `all ${SIMULATED + 1} devices on the new CA ${((Date.now() - rotatedAt) / 1000).toFixed(1)} s after the rotation (spread 15 s)`,
    );
    assert.ok(
      sim.devices.every((d) => d.trust.status().fingerprints.length === 2),
      'every simulated device trusted both CAs during the overlap',
    );
    const moved = await t.admin.pki.listCas();
    assert.deepEqual(
      moved.items.map((c) => [c.id, c.state, c.liveCertificates, c.devices]),
      [
        ['ca-1', 'retiring', 0, 0],
        ['ca-2', 'active', SIMULATED + 1, SIMULATED + 1],
      ],
    );
    assert.equal(moved.devicesOnRetiringCas, 0);

    const retired = await t.admin.pki.retireCa('ca-1');
    assert.deepEqual([retired.ca.state, retired.revokedCertificates], ['retired', 0]);
    const after = await t.admin.pki.listCas();
    assert.deepEqual(
      after.items.map((c) => [c.id, c.state, c.servesHubTls]),
      [
        ['ca-1', 'retired', false],
        ['ca-2', 'active', true],
      ],
    );
    assert.equal(t.hub.caFingerprint, rotated.fingerprint, 'new devices pin the new CA');
    // Every device drops the old CA from its trust, and reconnects to the hub's new certificate.
    await eventually(() => sim!.devices.every((d) => d.trust.status().fingerprints.length === 1), 30_000, 250);
    await eventually(() => fingerprints(readFileSync(join(realDir, 'ca.crt'), 'utf8')).length === 1, 30_000, 250);
    assert.deepEqual(fingerprints(readFileSync(join(realDir, 'ca.crt'), 'utf8')), [rotated.fingerprint]);
    const realCert = new X509Certificate(readFileSync(join(realDir, 'device.crt'), 'utf8'));
    assert.ok(
      realCert.checkIssued(new X509Certificate(pemCerts(t.hub.caPem)[0]!)),
      'the real agent holds a ca-2 certificate',
    );
    await sim.agents[0].reconnect();
    await eventually(async () => (await online()) === SIMULATED + 1, 30_000, 250);
    assert.equal(await enrollments(), enrolledBefore, 'nobody enrolled again');
    const reenrolled = await t.admin.audit.list({ action: 'device.reenroll', limit: 10 });
    assert.equal(reenrolled.items.length, 0);
    const steps = await t.admin.audit.list({ target: 'pki_ca:ca-1', limit: 10 });
    assert.deepEqual(
      steps.items.map((a) => a.action),
      ['pki.ca.retire'],
    );
    assert.match(agentOutput, /trust bundle updated/);
  });

  it('refuses to retire a CA live certificates depend on, says how many; once forced, their devices are refused with the reason and may enroll again', async () => {
    const stale: EnrolledDevice = await enrollTestDevice(t, 'stale-1');
    await t.admin.pki.rotateCa();
    const refused = await refusal(t.admin.pki.retireCa('ca-2'));
    assert.equal(refused.code, 'ca_in_use');
    const live = (refused.details as { liveCertificates: number }).liveCertificates;
    assert.ok(live >= 1, `${live} live certificates`);
    assert.match(refused.message, new RegExp(`^${live} live certificate\\(s\\) still depend on CA ca-2`));
    assert.equal((await refusal(t.admin.pki.retireCa('ca-3'))).code, 'ca_active');
    // The running devices move on; the stale one was never online to learn of the new CA.
    await eventually(async () => (await onCa('ca-3')) === SIMULATED + 1, 150_000, 1000);
    const stillOne = await refusal(t.admin.pki.retireCa('ca-2'));
    assert.deepEqual([stillOne.code, stillOne.details], ['ca_in_use', { liveCertificates: 1 }]);
    const listed = await t.admin.pki.listCas();
    assert.equal(listed.devicesOnRetiringCas, 1);
    // The dashboard's figures, open to viewers (the CA list is not).
    const viewer = await t.userClient('viewer');
    const health = await viewer.pki.certificateHealth(30);
    assert.deepEqual(
      [health.devicesOnRetiringCas, health.retiringCas.map((c) => [c.id, c.devices]), health.failingRenewals],
      [1, [['ca-2', 1]], 0],
    );
    assert.equal((await refusal(viewer.pki.listCas())).code, 'forbidden');

    const forced = await t.admin.pki.retireCa('ca-2', { force: true });
    assert.equal(forced.revokedCertificates, 1);
    // Its own agent no longer trusts the hub's certificate and says what helps.
    const transport = createMqttTransportFactory({
      url: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      deviceId: stale.id,
      ...stale,
    });
    await assert.rejects(
      transport().connect({ will: { topic: `outpost/v1/d/${stale.id}/status`, payload: '{}' } }),
      /not from a CA this device trusts .*enroll this device again with a fresh enrollment token/,
    );
    // Presented to the broker anyway, the certificate is refused with the reason.
    await assert.rejects(
      rawClient(t, { ...stale, caPem: t.hub.caPem }, stale.id),
      /Not authorized|closed before connect/,
    );
    await eventually(async () => {
      const r = await t.admin.audit.list({ action: 'device.refused', target: `device:${stale.id}` });
      return r.items.some((a) => a.details.reason === 'certificate_ca_retired');
    }, 20_000);
    assert.equal((await t.admin.enrollment.certificateStatus(stale.id)).lastRefusal?.reason, 'certificate_ca_retired');
    const audited = await t.admin.audit.list({ target: 'pki_ca:ca-2', limit: 10 });
    assert.deepEqual(
      audited.items.map((a) => [a.action, a.outcome]),
      [
        ['pki.ca.retire', 'ok'],
        ['pki.ca.retire', 'denied'],
        ['pki.ca.retire', 'denied'],
        ['pki.ca.rotate', 'ok'],
      ],
    );
    // What the docs promise: a fresh enrollment token brings it back, on the new CA.
    const again = await enrollTestDevice(t, 'stale-1');
    assert.equal((await t.admin.enrollment.certificateStatus(again.id)).current?.caId, 'ca-3');
  });
});
