import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  simAccessFeature,
  simDataFeature,
  simDiagnosticsFeature,
  simSettingsFeature,
  simTrafficFeature,
  startSimulation,
  type Simulation,
} from '@outpost/sim';
import { startTestHub, eventually, ADMIN_PASSWORD, type TestHub } from '../../../hub/test/support/test-hub.js';
import { buildConsole, launch, openPage, signIn } from './browser.js';

export const PASSWORD = 'a-long-password-1';

/** Every control in the console that changes something on the hub, by its label. */
export const MUTATING_LABEL =
  /^(Send command|Tag…|Group…|Command…|Reboot…|Add override…|Override…|Change…|Start maintenance|End maintenance|Edit|Add tag|New .*…|Revoke.*|Delete|Decommission…|Push desired settings|Disable|Enable|Reset second factor|Reset password|Save|Open console|Acknowledge|Resolve|Remediate|Scan now|Edit rules…|Remove…|Diagnostic…|Run diagnostic)$/;

/** Script errors and refused resources (CSP) are bugs wherever they happen. */
export const serious = (problems: string[]) =>
  problems.filter((p) => /page error|Content Security Policy|Refused to/i.test(p));

export interface ConsoleEnv {
  t: TestHub;
  sim: Simulation;
  browser: Browser;
  /** The console's address (127.0.0.1, which the hub's certificate names). */
  base: string;
  /** A new browser context signed in as `username` (admin, op, view), on the dashboard. */
  signedIn(username: string, opts?: { width?: number; height?: number }): Promise<{ page: Page; problems: string[] }>;
  stop(): Promise<void>;
}

export interface ConsoleEnvOptions {
  /**
   * Devices also report traffic counters, twice a second, and the hub learns their ports for
   * `learningS` seconds after a device's first report (a port first used later is new).
   */
  traffic?: { learningS: number };
  /** These devices also report process data from their simulated water site (simDataFeature). */
  data?: { devices: string[] };
}

/**
 * The console built as `npm start` builds it, a real hub with short scan and evaluation
 * intervals, six simulated devices (settings and remote access features, traffic counters on
 * request), an operator `op` and a viewer `view`, and a headless Chromium.
 */
export async function startConsoleEnv(o: ConsoleEnvOptions = {}): Promise<ConsoleEnv> {
  buildConsole();
  const cache = mkdtempSync(join(tmpdir(), 'outpost-console-sim-'));
  const t = await startTestHub({
    complianceScanIntervalS: 2,
    alertEvalMs: 500,
    ...(o.traffic ? { trafficLearningS: o.traffic.learningS } : {}),
  });
  const base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
  const tok = await t.admin.enrollment.createToken({ label: 'console e2e', maxUses: 6 });
  const sim = await startSimulation({
    hubUrl: t.hub.httpUrl,
    mqttUrl: `mqtts://127.0.0.1:${t.hub.mqttPort}`,
    caFingerprint: tok.caFingerprint,
    token: tok.token,
    devices: 6,
    cacheDir: cache,
    healthIntervalS: 1,
    rampMs: 300,
    features: (d) => [
      simSettingsFeature(d),
      simAccessFeature(d),
      simDiagnosticsFeature(d),
      ...(o.traffic ? [simTrafficFeature(d, { intervalS: 0.5 })] : []),
      ...(o.data?.devices.includes(d.deviceId)
        ? [simDataFeature(d, { pollMs: 500, sensorFaultChance: 0, commLossChance: 0 })]
        : []),
    ],
  });
  await t.admin.groups.create({ path: 'north', kind: 'static', description: 'northern substations' });
  for (const [username, role] of [
    ['op', 'operator'],
    ['view', 'viewer'],
  ] as const)
    await t.admin.users.create({ username, password: PASSWORD, role });
  await eventually(
    async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 6,
    20_000,
    200,
  );
  const browser = await launch();
  return {
    t,
    sim,
    browser,
    base,
    async signedIn(username, opts = {}) {
      const p = await openPage(browser, opts);
      await signIn(p.page, base, username, username === 'admin' ? ADMIN_PASSWORD : PASSWORD);
      await p.page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
      return p;
    },
    async stop() {
      await browser.close();
      await sim.stop({ clean: false });
      await t.stop();
      rmSync(cache, { recursive: true, force: true });
    },
  };
}

/** Waits until no part of the page still shows "Loading…". */
export async function settled(page: Page) {
  // Polled from here, not with waitForFunction: that re-evaluates its predicate inside the page,
  // which the console's Content-Security-Policy (no 'unsafe-eval') refuses whenever the first check fails.
  const loading = page.locator('.loading');
  for (let i = 0; (await loading.count()) > 0; i++) {
    if (i >= 300) throw new Error('the page still shows "Loading…" after 30 s');
    await page.waitForTimeout(100);
  }
  await page.waitForTimeout(200);
}
