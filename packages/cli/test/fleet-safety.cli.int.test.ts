import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulation, type Simulation } from '@outpost/sim';
import { eventually, startTestHub, type TestHub } from '../../hub/test/support/test-hub.js';
import { OUTPOST_MAIN, cliEnvFor } from './outpost-command.js';

const exec = promisify(execFile);
const FLEET = 3;
const FILTER = 'id ~ "safe-"';

/** Actions on many devices from the command line: counted first, confirmed, and honest in the exit status. */
describe('outpost fleet actions have a safety net', () => {
  let t: TestHub;
  let sim: Simulation;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-safety-'));
  let env: Record<string, string> = {};
  const run = async (...args: string[]) => {
    try {
      const r = await exec(process.execPath, [OUTPOST_MAIN, ...args], {
        env: { ...process.env, ...env },
        timeout: 60_000,
      });
      return { code: 0, out: r.stdout + r.stderr };
    } catch (e) {
      const x = e as { code?: number; stdout?: string; stderr?: string };
      return { code: x.code ?? -1, out: (x.stdout ?? '') + (x.stderr ?? '') };
    }
  };
  const commandsSent = async () => (await t.admin.audit.list({ action: 'command.send', limit: 100 })).items.length;

  before(async () => {
    t = await startTestHub();
    env = await cliEnvFor(t, dir, 'operator');
    const enroll = await t.admin.enrollment.createToken({ label: 'safety', maxUses: FLEET });
    sim = await startSimulation({
      hubUrl: t.hub.httpUrl,
      mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
      caFingerprint: enroll.caFingerprint,
      token: enroll.token,
      devices: FLEET,
      prefix: 'safe',
      cacheDir: join(dir, 'sim'),
      rampMs: 200,
      features: () => [],
    });
    await eventually(
      async () =>
        (await t.admin.devices.list({ filter: `${FILTER} and online`, count: true, limit: 1 })).total === FLEET,
      60_000,
      200,
    );
  });
  after(async () => {
    await sim?.stop();
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to act on several devices without --yes, and sends nothing', async () => {
    const before = await commandsSent();
    const r = await run('devices', 'command', FILTER, 'ping', '--where');
    assert.equal(r.code, 1);
    assert.match(r.out, /3 devices match "id ~ \\"safe-\\""; add --yes to send "ping" to all of them \(or --dry-run/);
    assert.equal(await commandsSent(), before);
  });

  it('--dry-run lists the devices and sends nothing', async () => {
    const before = await commandsSent();
    const r = await run('devices', 'command', FILTER, 'reboot', '--where', '--dry-run');
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /would send "reboot" to 3 device\(s\): safe-00001, safe-00002, safe-00003/);
    assert.equal(await commandsSent(), before);
  });

  it('--yes sends to every match; exit 0 when all succeed, 4 when any fails', async () => {
    const ok = await run('devices', 'command', FILTER, 'ping', '--where', '--yes', '--timeout', '20');
    assert.equal(ok.code, 0, ok.out);
    assert.equal((ok.out.match(/succeeded/g) ?? []).length, FLEET);
    const failing = await run('devices', 'command', FILTER, 'no-such-command', '--where', '--yes', '--timeout', '20');
    assert.equal(failing.code, 4, failing.out);
    assert.match(failing.out, /3 of 3 device\(s\) did not succeed/);
    const one = await run('devices', 'command', 'safe-00001', 'no-such-command', '--timeout', '20');
    assert.equal(one.code, 4, one.out);
  });

  it('takes command arguments as a JSON object and refuses anything else', async () => {
    const bad = await run('devices', 'command', 'safe-00001', 'ping', '--args', 'count=3');
    assert.equal(bad.code, 1);
    assert.match(bad.out, /--args: not JSON: count=3/);
    const list = await run('devices', 'command', 'safe-00001', 'ping', '--args', '[3]');
    assert.match(list.out, /--args: expected a JSON object/);
  });

  it('refuses a setting value that is not JSON, and takes text through --string', async () => {
    const typo = await run('config', 'override', 'safe-00001', 'ssh.enabled=flase');
    assert.equal(typo.code, 1);
    assert.match(typo.out, /ssh\.enabled=flase: the value is not JSON .* for text use --string ssh\.enabled=flase/);
    const desired = async () => (await t.admin.deviceConfig.get('safe-00001')).desiredVersion;
    const versionBefore = await desired();
    assert.equal(await desired(), versionBefore, 'nothing was pushed');
    const text = await run('config', 'override', 'safe-00001', '--string', 'logging.level=debug');
    assert.equal(text.code, 0, text.out);
    assert.ok((await desired()) > versionBefore);
  });
});
