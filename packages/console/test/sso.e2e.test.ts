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

const RULES = [
  { claim: 'groups', value: 'ot-north-operators', role: 'operator', groups: ['north'] },
  { claim: 'groups', value: 'ot-south-operators', role: 'operator', groups: ['south'] },
  { claim: 'groups', value: 'ot-readers', role: 'viewer', groups: [] },
] as const;

describe(
  'single sign-on with OpenID Connect against oidc-provider: Chromium and the CLI',
  { skip: missing ?? false },
  () => {
    let idp: TestIdp;
    let t: TestHub;
    let browser: Browser;
    let base: string;
    let dir: string;

    before(async () => {
      buildConsole();
      dir = mkdtempSync(join(tmpdir(), 'outpost-sso-'));
      const port = await restartablePort();
      base = `https://127.0.0.1:${port}`;
      idp = await startTestIdp({
        redirectUris: [`${base}/api/v1/auth/oidc/corp/callback`],
        accounts: {
          ann: { email: 'ann@north.example', groups: ['ot-north-operators', 'ot-south-operators'] },
          admin: { email: 'admin@north.example', groups: ['ot-readers'] },
        },
      });
      const secretFile = join(dir, 'client-secret');
      writeFileSync(secretFile, `${idp.clientSecret}\n`, { mode: 0o600 });
      const corp = {
        id: 'corp',
        label: 'Corp IdP',
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecretFile: secretFile,
        redirectUrl: `${base}/api/v1/auth/oidc/corp/callback`,
        scopes: ['openid', 'profile', 'email', 'groups'],
        caFile: idp.caFile,
        rules: [...RULES],
      };
      t = await startTestHub({
        httpPort: port,
        oidcProviders: [
          corp,
          // The same provider under a name it does not answer to: its discovery names another issuer.
          { ...corp, id: 'renamed', label: 'Renamed IdP', issuer: idp.issuer.replace('127.0.0.1', 'localhost') },
          // The same provider without its CA: the hub does not trust its certificate.
          { ...corp, id: 'untrusted', label: 'Untrusted IdP', caFile: undefined },
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

    /** Through the provider's own pages: its login form (any password), then its consent page, when it shows them. */
    async function passProvider(page: Page, login: string) {
      const form = page.locator('input[name="login"]');
      await form.waitFor({ timeout: 30_000 });
      await form.fill(login);
      await page.locator('input[name="password"]').fill('any password');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      // The consent page shows when this account has not granted the hub its scopes yet.
      const consent = page.getByRole('button', { name: 'Continue' });
      const atProvider = () => new URL(page.url()).origin === idp.issuer;
      await eventually(async () => !atProvider() || (await consent.isVisible()), 30_000);
      if (atProvider()) await consent.click();
    }

    async function ssoSignIn(login: string, providerLabel = 'Corp IdP') {
      const { page, problems } = await openPage(browser);
      const callbacks: string[] = [];
      page.on('request', (r) => {
        if (r.url().includes('/api/v1/auth/oidc/corp/callback')) callbacks.push(r.url());
      });
      await page.goto(base + '/');
      await page.getByRole('button', { name: `Sign in with ${providerLabel}`, exact: true }).click();
      await passProvider(page, login);
      await page.waitForURL((u) => u.origin === base, { timeout: 30_000 });
      // What the provider's own pages logged (their fonts, their favicon) is not the console's.
      problems.length = 0;
      return { page, problems, callbacks };
    }

    async function me(page: Page) {
      return page.evaluate(async () => {
        const r = await fetch('/api/v1/auth/me');
        return { status: r.status, body: (await r.json()) as { username?: string; role?: string; code?: string } };
      });
    }

    async function userNamed(username: string) {
      return (await t.admin.users.list()).items.find((u) => u.username === username);
    }

    async function audit(action: string): Promise<AuditRecord[]> {
      return (await t.admin.audit.list({ action, limit: 200 })).items;
    }

    it('signs in through the provider, creates the user with the role and groups its claims map to, and lands in the console', async () => {
      const { page, problems } = await ssoSignIn('ann');
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor({ timeout: 30_000 });
      assert.deepEqual((await me(page)).body, {
        id: (await userNamed('ann'))!.id,
        username: 'ann',
        role: 'operator',
        via: 'user',
        mfa: { enrolled: false, verifiedAt: null, mustEnroll: false },
      });
      const ann = await userNamed('ann');
      assert.equal(ann?.role, 'operator');
      assert.deepEqual(ann?.groups, ['north', 'south']);
      const created = (await audit('user.create')).find((r) => r.target === `user:${ann!.id}`);
      assert.deepEqual(created?.details, { username: 'ann', role: 'operator', provider: 'corp', justInTime: true });
      const signIn = (await audit('auth.login')).find((r) => r.actor === 'ann' && r.outcome === 'ok');
      assert.equal(signIn?.details?.provider, 'corp');
      // No local password: the name alone at the password form is refused like any wrong password.
      await assert.rejects(t.anonymous().login('ann', '!sso'), /wrong username or password/);
      assert.deepEqual(problems, []);
      await page.context().close();
    });

    it('replaces the group scope at the next sign-in: removed from an IdP group, the user loses that scope', async () => {
      idp.accounts.get('ann')!.groups = ['ot-south-operators'];
      const { page } = await ssoSignIn('ann');
      await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor({ timeout: 30_000 });
      const ann = await userNamed('ann');
      assert.deepEqual([ann?.role, ann?.groups], ['operator', ['south']]);
      const change = (await audit('user.update')).find(
        (r) => r.target === `user:${ann!.id}` && r.details?.reason === 'claim_mapping',
      );
      assert.deepEqual(change?.details, {
        provider: 'corp',
        reason: 'claim_mapping',
        before: { role: 'operator', groups: ['north', 'south'] },
        after: { role: 'operator', groups: ['south'] },
      });
      await page.context().close();
    });

    it('refuses and deactivates a user whose claims match no rule, and lets them in again once one matches', async () => {
      idp.accounts.get('ann')!.groups = ['finance'];
      const { page } = await ssoSignIn('ann');
      await page
        .getByRole('alert')
        .filter({ hasText: 'Your account at the identity provider is in no group that gives access to Outpost.' })
        .waitFor();
      assert.equal(new URL(page.url()).searchParams.get('sso_error'), null, 'the code is taken off the address');
      assert.equal((await me(page)).status, 401);
      assert.equal((await userNamed('ann'))?.disabled, true);
      const refusal = (await audit('auth.login')).find(
        (r) => r.outcome === 'denied' && r.details?.reason === 'no_mapping',
      );
      assert.equal(refusal?.details?.provider, 'corp');
      await page.context().close();

      idp.accounts.get('ann')!.groups = ['ot-north-operators'];
      const again = await ssoSignIn('ann');
      await again.page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor({ timeout: 30_000 });
      const ann = await userNamed('ann');
      assert.deepEqual([ann?.disabled, ann?.groups], [false, ['north']]);
      await again.page.context().close();
    });

    it('keeps the local admin as break-glass: an IdP account named like a local user is refused, not merged', async () => {
      const { page } = await ssoSignIn('admin');
      await page.getByRole('alert').filter({ hasText: 'An Outpost user with your name exists already' }).waitFor();
      assert.equal((await me(page)).status, 401);
      const refusal = (await audit('auth.login')).find((r) => r.details?.reason === 'username_taken');
      assert.equal(refusal?.outcome, 'denied');
      await page.context().close();
    });

    it('refuses a replayed callback, and a sign-in finished in another browser than the one that started it, with their reasons', async () => {
      const first = await ssoSignIn('ann');
      await first.page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor({ timeout: 30_000 });
      assert.equal(first.callbacks.length, 1);
      await first.page.context().close();
      const replayed = await openPage(browser);
      await replayed.page.goto(first.callbacks[0]);
      await replayed.page.getByRole('alert').filter({ hasText: 'That sign-in expired or was used already.' }).waitFor();
      assert.equal((await me(replayed.page)).status, 401);
      await replayed.page.context().close();
      const replay = (await audit('auth.login')).find((r) => r.details?.reason === 'unknown_or_used_state');
      assert.equal(replay?.outcome, 'denied');

      // A sign-in started in one browser and finished in another (login CSRF): the provider sends the
      // second browser back with a valid code and state, but without the first one's binding cookie.
      const started = await openPage(browser);
      let authorizeUrl = '';
      started.page.on('request', (r) => {
        if (r.url().startsWith(`${idp.issuer}/auth?`)) authorizeUrl = r.url();
      });
      await started.page.goto(base + '/');
      await started.page.getByRole('button', { name: 'Sign in with Corp IdP', exact: true }).click();
      await eventually(() => authorizeUrl !== '', 30_000);
      await started.page.context().close();
      const other = await openPage(browser);
      await other.page.goto(authorizeUrl);
      await passProvider(other.page, 'ann');
      await other.page.getByRole('alert').filter({ hasText: 'That sign-in expired or was used already.' }).waitFor();
      assert.equal((await me(other.page)).status, 401);
      const mismatch = (await audit('auth.login')).find((r) => r.details?.reason === 'browser_mismatch');
      assert.equal(mismatch?.outcome, 'denied');
      await other.page.context().close();
    });

    it('refuses a provider whose discovery names another issuer, and one whose TLS certificate the hub does not trust', async () => {
      for (const [id, label, why] of [
        ['renamed', 'Renamed IdP', /discovery_failed: .*issuer/i],
        ['untrusted', 'Untrusted IdP', /discovery_failed: .*certificate/i],
      ] as const) {
        const { page } = await openPage(browser);
        await page.goto(base + '/');
        await page.getByRole('button', { name: `Sign in with ${label}`, exact: true }).click();
        await page
          .getByRole('alert')
          .filter({ hasText: 'The identity provider could not be reached, or its answer did not check out.' })
          .waitFor();
        const refusal = (await audit('auth.login')).find((r) => r.details?.provider === id);
        assert.match(String(refusal?.details?.reason), why);
        await page.context().close();
      }
    });

    it('signs the CLI in by a loopback hand-off: outpost login --sso corp, then outpost whoami', async () => {
      const { OUTPOST_HUB: _hub, OUTPOST_TOKEN: _token, ...inherited } = process.env;
      const env = { ...inherited, OUTPOST_HOME: join(dir, 'home') };
      const caFile = join(t.dir, 'pki', 'ca.crt');
      const cli = spawn(
        process.execPath,
        [OUTPOST_MAIN, 'login', '--sso', 'corp', '--hub', base, '--ca-file', caFile],
        {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      cli.stdout.on('data', (b: Buffer) => (out += b.toString()));
      cli.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const exited = new Promise<number | null>((resolve) => cli.on('exit', resolve));
      try {
        await eventually(() => /https:\/\/\S+\/start\?\S+/.test(out), 30_000);
        const url = /https:\/\/\S+\/start\?\S+/.exec(out)![0];
        assert.match(url, /cli_port=\d+&cli_challenge=[A-Za-z0-9_-]{43}$/);
        const { page } = await openPage(browser);
        await page.goto(url);
        await passProvider(page, 'ann');
        await page.getByText('Signed in to Outpost. You can close this tab').waitFor({ timeout: 30_000 });
        await page.context().close();
        assert.equal(await exited, 0, `exit status; stdout: ${out}; stderr: ${err}`);
        assert.match(out, /signed in to https:\/\/127\.0\.0\.1:\d+ as ann \(operator\)/);
      } finally {
        cli.kill();
      }
      const whoami = spawn(process.execPath, [OUTPOST_MAIN, 'whoami', '--ca-file', caFile], { env });
      let who = '';
      let whoErr = '';
      whoami.stdout.on('data', (b: Buffer) => (who += b.toString()));
      whoami.stderr.on('data', (b: Buffer) => (whoErr += b.toString()));
      assert.equal(await new Promise((resolve) => whoami.on('exit', resolve)), 0, whoErr);
      assert.equal(who.trim(), 'ann (operator) via user');
      const handoff = (await audit('auth.sso.cli')).find((r) => r.actor === 'ann');
      assert.deepEqual(handoff?.details, { provider: 'corp' });
      // A hand-off code the hub did not give (or gave and saw spent) is refused with its reason.
      await assert.rejects(t.anonymous().sso.exchange('x'.repeat(43), 'y'.repeat(43)), { code: 'sso_state_invalid' });
      const refused = (await audit('auth.login')).find((r) => r.details?.reason === 'unknown_or_used_code');
      assert.equal(refused?.outcome, 'denied');
    });
  },
);
