import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AuditRecord } from '@outpost/protocol';
import { restartablePort, startTestHub, eventually, type TestHub } from '../../hub/test/support/test-hub.js';
import { startTestIdp, type TestIdp } from '../../hub/test/support/test-idp.js';
import { OUTPOST_MAIN } from '../../cli/test/outpost-command.js';
import { browserMissing, buildConsole, launch, openPage } from './support/browser.js';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

describe(
  'single sign-on against oidc-provider: signing out at the provider, and the CLI by the device grant',
  { skip: missing ?? false },
  () => {
    let idp: TestIdp;
    let t: TestHub;
    let browser: Browser;
    let base: string;
    let dir: string;

    before(async () => {
      buildConsole();
      dir = mkdtempSync(join(tmpdir(), 'outpost-sso-out-'));
      const port = await restartablePort();
      base = `https://127.0.0.1:${port}`;
      idp = await startTestIdp({
        redirectUris: [`${base}/api/v1/auth/oidc/corp/callback`],
        postLogoutRedirectUris: [`${base}/api/v1/auth/oidc/corp/signed-out`],
        accounts: { ann: { email: 'ann@north.example', groups: ['ot-north-operators'] } },
      });
      const secretFile = join(dir, 'client-secret');
      writeFileSync(secretFile, `${idp.clientSecret}\n`, { mode: 0o600 });
      t = await startTestHub({
        httpPort: port,
        oidcProviders: [
          {
            id: 'corp',
            label: 'Corp IdP',
            issuer: idp.issuer,
            clientId: idp.clientId,
            clientSecretFile: secretFile,
            redirectUrl: `${base}/api/v1/auth/oidc/corp/callback`,
            postLogoutRedirectUri: `${base}/api/v1/auth/oidc/corp/signed-out`,
            deviceFlow: true,
            scopes: ['openid', 'profile', 'email', 'groups'],
            caFile: idp.caFile,
            rules: [{ claim: 'groups', value: 'ot-north-operators', role: 'operator', groups: ['north'] }],
          },
        ] as never,
      });
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await t?.stop();
      await idp?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const atProvider = (page: Page) => new URL(page.url()).origin === idp.issuer;

    /** Through the provider's login form (any password), then its consent page when it shows one. */
    async function passProvider(page: Page, login: string) {
      const form = page.locator('input[name="login"]');
      await form.waitFor({ timeout: 30_000 });
      await form.fill(login);
      await page.locator('input[name="password"]').fill('any password');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      const consent = page.getByRole('button', { name: 'Continue' });
      await eventually(async () => !atProvider(page) || (await consent.isVisible()), 30_000);
      if (atProvider(page)) await consent.click();
    }

    async function audit(action: string): Promise<AuditRecord[]> {
      return (await t.admin.audit.list({ action, limit: 200 })).items;
    }

    const meStatus = (page: Page) => page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);

    it('signs out at the provider too: its end-session page, back to the sign-in page; the old cookie is refused and the provider asks for credentials again', async () => {
      const { page } = await openPage(browser);
      const signedOutUrls: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/auth/oidc/corp/signed-out')) signedOutUrls.push(r.url());
      });
      await page.goto(base + '/');
      await page.getByRole('button', { name: 'Sign in with Corp IdP', exact: true }).click();
      await passProvider(page, 'ann');
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor({ timeout: 30_000 });
      const [session] = (await page.context().cookies()).filter((c) => c.name === 'outpost_session');
      assert.ok(session, 'signed in with a session cookie');
      assert.equal(session.httpOnly, true);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Yes, sign me out' }).click({ timeout: 30_000 });
      await page.waitForURL((u) => u.origin === base, { timeout: 30_000 });
      await page
        .getByRole('status')
        .filter({ hasText: 'You have signed out of Outpost and of the identity provider.' })
        .waitFor();
      assert.equal(new URL(page.url()).searchParams.get('signed_out'), null, 'the note is taken off the address');
      assert.equal(signedOutUrls.length, 1);
      const logout = (await audit('auth.logout')).find((r) => r.actor === 'ann' && r.outcome === 'ok');
      assert.deepEqual(logout?.details, { provider: 'corp', atProvider: true });

      // The old session cookie, put back, is refused.
      await page.context().addCookies([session]);
      assert.equal(await meStatus(page), 401);

      // The provider's session ended: signing in again asks for credentials there.
      await page.getByRole('button', { name: 'Sign in with Corp IdP', exact: true }).click();
      await passProvider(page, 'ann');
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor({ timeout: 30_000 });

      // The return address with a state that was used already, or never sent, is refused with the reason.
      for (const url of [signedOutUrls[0], `${base}/api/v1/auth/oidc/corp/signed-out?state=forged`]) {
        const other = await openPage(browser);
        await other.page.goto(url);
        await other.page.getByRole('alert').filter({ hasText: 'expired or was used already' }).waitFor();
        await other.page.context().close();
      }
      const refused = (await audit('auth.logout')).filter((r) => r.outcome === 'denied');
      assert.deepEqual(
        refused.map((r) => r.details?.reason),
        ['unknown_or_used_state', 'unknown_or_used_state'],
      );
      await page.context().close();
    });

    /** `outpost login --sso corp --device`, its output as it comes, and its exit status. */
    function deviceLogin(home: string) {
      const { OUTPOST_HUB: _hub, OUTPOST_TOKEN: _token, ...inherited } = process.env;
      const env = { ...inherited, OUTPOST_HOME: join(dir, home) };
      const caFile = join(t.dir, 'pki', 'ca.crt');
      const cli = spawn(
        process.execPath,
        [OUTPOST_MAIN, 'login', '--sso', 'corp', '--device', '--hub', base, '--ca-file', caFile],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const r = {
        out: '',
        err: '',
        env,
        caFile,
        cli,
        exited: new Promise<number | null>((res) => cli.on('exit', res)),
      };
      cli.stdout.on('data', (b: Buffer) => (r.out += b.toString()));
      cli.stderr.on('data', (b: Buffer) => (r.err += b.toString()));
      return r;
    }

    async function verificationPage(out: () => string) {
      await eventually(() => /\(or open (https:\/\/\S+)\)/.test(out()), 30_000);
      const url = /\(or open (https:\/\/\S+)\)/.exec(out())![1];
      assert.ok(url.startsWith(`${idp.issuer}/`), url);
      const { page } = await openPage(browser);
      await page.goto(url);
      // With the code in the address the provider may still show it in its form: confirm it.
      const confirm = page.getByRole('heading', { name: 'Confirm Device' });
      const input = page.locator('input[name="user_code"]');
      await eventually(async () => (await confirm.isVisible()) || (await input.isVisible()), 30_000);
      if (!(await confirm.isVisible())) await page.getByRole('button', { name: 'Continue' }).click();
      await confirm.waitFor({ timeout: 30_000 });
      return page;
    }

    it('signs the CLI in by the device grant: the code approved at the provider, then outpost whoami', async () => {
      const run = deviceLogin('home-device');
      try {
        const page = await verificationPage(() => run.out);
        assert.match(run.out, /enter the code [A-Z-]{8,}/);
        await page.getByRole('button', { name: 'Continue', exact: true }).click();
        await passProvider(page, 'ann');
        await page.getByText('Sign-in Success').waitFor({ timeout: 30_000 });
        await page.context().close();
        assert.equal(await run.exited, 0, `exit status; stdout: ${run.out}; stderr: ${run.err}`);
        assert.match(run.out, /signed in to https:\/\/127\.0\.0\.1:\d+ as ann \(operator\)/);
      } finally {
        run.cli.kill();
      }
      const whoami = spawn(process.execPath, [OUTPOST_MAIN, 'whoami', '--ca-file', run.caFile], { env: run.env });
      let who = '';
      whoami.stdout.on('data', (b: Buffer) => (who += b.toString()));
      assert.equal(await new Promise((resolve) => whoami.on('exit', resolve)), 0);
      assert.equal(who.trim(), 'ann (operator) via user');
      const ann = (await t.admin.users.list()).items.find((u) => u.username === 'ann');
      assert.deepEqual([ann?.role, ann?.groups], ['operator', ['north']]);
      const signIn = (await audit('auth.sso.cli')).find((r) => r.details?.flow === 'device');
      assert.deepEqual(signIn?.details, { provider: 'corp', flow: 'device' });
    });

    it('exits non-zero with access_denied when the code is refused at the provider', async () => {
      const run = deviceLogin('home-denied');
      try {
        const page = await verificationPage(() => run.out);
        await page.getByRole('button', { name: '[ Abort ]' }).click();
        await page.context().close();
        assert.equal(await run.exited, 5, `exit status; stdout: ${run.out}; stderr: ${run.err}`);
        assert.match(run.err, /refused at corp \(access_denied\)/);
      } finally {
        run.cli.kill();
      }
      const refusal = (await audit('auth.login')).find((r) => r.details?.reason === 'access_denied');
      assert.equal(refusal?.outcome, 'denied');
    });

    it('says the code expired when nobody approved it in time', async () => {
      idp.deviceCodeTtl = 2;
      const run = deviceLogin('home-expired');
      try {
        await eventually(() => /enter the code/.test(run.out), 30_000);
        assert.equal(await run.exited, 6, `exit status; stdout: ${run.out}; stderr: ${run.err}`);
        assert.match(run.err, /the code expired before it was approved \(expired_token\)/);
      } finally {
        run.cli.kill();
        idp.deviceCodeTtl = 600;
      }
      const refusal = (await audit('auth.login')).find((r) => r.details?.reason === 'expired_token');
      assert.equal(refusal?.outcome, 'denied');
    });
  },
);
