import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exposeSimService, startSimulation } from '@outpost/sim';
import { totpCode } from '../../hub/src/domains/users/totp.js';
import { eventually, hubTestClock, startTestHub } from '../../hub/test/support/test-hub.js';
import { startHttpService } from '../../hub/test/support/access-peers.js';
import { OUTPOST_MAIN } from './outpost-command.js';

const get = (port: number) =>
  new Promise<string>((resolve, reject) =>
    http
      .get({ host: '127.0.0.1', port, path: '/through' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject),
  );

// A session that needs a second person and a fresh second factor: the code typed at the start
// serves the request; once approved (after that step-up grew older than the policy allows) the
// command takes a fresh code from --otp-command instead of sending the used one again.
test('outpost access after an approval asks for a fresh code instead of reusing the first one', async () => {
  const clock = hubTestClock();
  const t = await startTestHub({}, undefined, { clock });
  const web = await startHttpService();
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cli-approval-'));
  const tok = await t.admin.enrollment.createToken({ label: 'sim' });
  const sim = await startSimulation({
    hubUrl: t.hub.httpUrl,
    mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
    caFingerprint: tok.caFingerprint,
    token: tok.token,
    devices: 1,
    cacheDir: dir,
    rampMs: 0,
    prefix: 'mfaacc',
  });
  let cli: ReturnType<typeof spawn> | null = null;
  try {
    const id = sim.ids[0];
    exposeSimService(id, 502, { port: web.port });
    await eventually(async () => (await t.admin.devices.get(id)).presence === 'online', 30_000);
    await t.admin.access.createPolicy({
      name: 'four-eyes',
      deviceId: id,
      targets: ['tcp:502'],
      requireApproval: true,
      mfaMaxAgeS: 10,
    });
    const alice = await t.userClient('operator');
    const bob = await t.userClient('operator');
    const bobMfa = await bob.mfa.enroll();
    await bob.mfa.confirm(await totpCode(bobMfa.secret, Date.now()));
    const e = await alice.mfa.enroll();
    const t0 = Date.now();
    await alice.mfa.confirm(await totpCode(e.secret, t0));
    const { token } = await alice.tokens.create({ name: 'alice-cli', role: 'operator' });
    writeFileSync(join(dir, 'ca.pem'), t.hub.caPem);
    // The authenticator, as a command: prints alice's code for the hub's time a period ahead. The
    // code given at the start was already a period ahead of the confirm's, and the hub takes no code
    // older than one it has seen; its clock runs 30 s ahead once the approver has taken their time.
    const otplib = import.meta.resolve('otplib');
    writeFileSync(
      join(dir, 'code.mjs'),
      `import { generate } from ${JSON.stringify(otplib)};\n` +
        `console.log(await generate({ secret: ${JSON.stringify(e.secret)}, epoch: Math.floor((Date.now() + 45_000) / 1000) }));\n`,
    );
    const first = await totpCode(e.secret, t0 + 30_000);
    cli = spawn(
      process.execPath,
      [
        OUTPOST_MAIN,
        'access',
        'tcp',
        id,
        '502',
        '--reason',
        'read fault registers',
        '--duration',
        '5m',
        '--otp',
        first,
        '--otp-command',
        `${JSON.stringify(process.execPath)} ${JSON.stringify(join(dir, 'code.mjs'))}`,
      ],
      {
        cwd: dir,
        env: {
          ...process.env,
          OUTPOST_HOME: join(dir, 'home'),
          OUTPOST_HUB: t.hub.httpUrl,
          OUTPOST_TOKEN: token,
          OUTPOST_CA_FILE: join(dir, 'ca.pem'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    cli.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const exited = new Promise<number | null>((resolve) => cli!.on('exit', resolve));
    // The first code was good for the request (or, still in the confirm's period, replaced by a fresh one).
    const sessionId = await eventually(
      async () => /session (acs_\S+) waits for a second person/.exec(err)?.[1],
      60_000,
    );
    // The approver takes their time: the step-up made with the first code is now too old.
    await clock.advance(30_000);
    await bob.access.approve(sessionId, { note: 'ok', otp: await totpCode(bobMfa.secret, Date.now() + 30_000) });
    // The command may wait up to one authenticator period for a code it has not used yet.
    const listening = eventually(async () => /listening on 127\.0\.0\.1:(\d+)/.exec(err)?.[1], 90_000);
    const port = Number(
      await Promise.race([
        listening.catch((e: Error) => assert.fail(`${e.message}; the command printed:\n${err}`)),
        exited.then((code) => assert.fail(`the command ended (${code}) before listening:\n${err}`)),
      ]),
    );
    assert.match(await get(port), /hello \/through/);
    assert.doesNotMatch(err, /mfa_invalid|code .*invalid/i, err);
    const s = await t.admin.access.session(sessionId);
    assert.equal(s.state, 'active', err);
    cli.kill('SIGINT');
    assert.equal(await exited, 0, err);
  } finally {
    cli?.kill();
    await sim.stop({ clean: true });
    await web.close();
    await t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
