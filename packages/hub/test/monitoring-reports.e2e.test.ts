import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Agent } from '@outpost/agent';
import { profileOf, simTrafficFeature } from '@outpost/sim';
import { chromium } from 'playwright-core';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent } from './support/devices.js';
import { startSmtpReceiver, startWebhookReceiver } from './support/notify-receivers.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = join(process.cwd(), 'test-output');

/** A 6-field cron expression (with seconds) for wall-clock time `t` in `timeZone`. */
function cronAt(t: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    })
      .formatToParts(t)
      .map((p) => [p.type, p.value]),
  );
  return `${Number(parts.second)} ${Number(parts.minute)} ${Number(parts.hour)} * * *`;
}

describe('reports', () => {
  let t: TestHub;
  let secret = '';
  let hook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  const agents: Agent[] = [];
  let fleetRunId = '';
  let deviceRunId = '';

  before(async () => {
    t = await startTestHub({ alertEvalMs: 200 });
    hook = await startWebhookReceiver(() => secret);
    smtp = await startSmtpReceiver();
    await t.admin.rules.create({ name: 'offline 1s', type: 'offline', params: { afterS: 1 } });
    for (const [i, id] of ['rpt-pump-1', 'rpt-pump-2', 'rpt-sub-3'].entries()) {
      const dev = await enrollTestDevice(t, id);
      const ctx = { index: i + 1, deviceId: id, profile: profileOf(i + 1), random: Math.random };
      agents.push(
        startTestAgent(t, dev, {
          healthIntervalS: 1,
          index: i + 1,
          features: [simTrafficFeature(ctx, { intervalS: 0.5 })],
        }),
      );
    }
    await eventually(async () => (await t.admin.devices.list({ filter: 'online', count: true, limit: 1 })).total === 3);
    // Some history: a short outage of one device (with its alert), a few seconds of reports.
    await agents[2].stop({ clean: false });
    await eventually(async () => (await t.admin.alerts.list({ state: 'firing' })).items.length === 1, 10_000);
    // The reports read stored flow reports and health samples: wait until both are in.
    await eventually(async () => (await t.admin.traffic.summary({ hours: 1 })).totalBytes > 0, 30_000);
    await eventually(async () => {
      const samples = await Promise.all(['rpt-pump-1', 'rpt-pump-2'].map((id) => t.admin.devices.health(id, 1)));
      return samples.every((s) => s.items.some((i) => i.data !== null));
    }, 30_000);
  });
  after(async () => {
    await Promise.all(agents.map((a) => a.stop({ clean: true })));
    await t.stop();
    await hook.stop();
    await smtp.stop();
  });

  it('builds a fleet report on demand as JSON, CSV and HTML', async () => {
    const run = await t.admin.reports.run({ kind: 'fleet', periodHours: 1 });
    assert.equal(run.state, 'succeeded', run.error ?? '');
    fleetRunId = run.id;
    const report = JSON.parse(await t.admin.reports.content(run.id, 'json')) as {
      summary: { devices: number; online: number; offline: number; availabilityPct: number; alertsFired: number };
      firmware: unknown[];
      topProblems: Array<{ id: string }>;
      offlinePeriods: Array<{ deviceId: string; to: string | null }>;
      traffic: { totalBytes: number };
      health: Record<string, number>;
    };
    assert.equal(report.summary.devices, 3);
    assert.equal(report.summary.offline, 1);
    assert.equal(report.summary.alertsFired, 1);
    assert.ok(report.summary.availabilityPct > 0 && report.summary.availabilityPct < 100);
    assert.equal(report.topProblems[0].id, 'rpt-sub-3');
    assert.deepEqual(
      report.offlinePeriods.map((o) => [o.deviceId, o.to]),
      [['rpt-sub-3', null]],
    );
    assert.ok(report.traffic.totalBytes > 0, 'traffic from the flows reports');
    assert.equal(
      Object.values(report.health).reduce((a, b) => a + b, 0),
      3,
    );
    const csv = await t.admin.reports.content(run.id, 'csv');
    const lines = csv.trim().split('\r\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0], /^device_id,name,model,firmware,presence,availability_pct/);
    const html = await t.admin.reports.content(run.id, 'html');
    assert.match(html, /<svg[^>]+role="img"/);
    assert.ok(html.includes('rpt-sub-3'));
    const device = await t.admin.reports.run({ kind: 'device', deviceId: 'rpt-pump-1', periodHours: 1 });
    assert.equal(device.state, 'succeeded', device.error ?? '');
    deviceRunId = device.id;
    assert.match(await t.admin.reports.content(device.id, 'html'), /CPU \(%\)/);
  });

  it('runs a scheduled report at its time in its time zone and delivers it by webhook and e-mail', async () => {
    const wh = await t.admin.channels.create({ name: 'reports-hook', kind: 'webhook', config: { url: hook.url() } });
    secret = wh.secret!;
    const mail = await t.admin.channels.create({
      name: 'reports-mail',
      kind: 'email',
      config: {
        host: '127.0.0.1',
        port: smtp.port,
        tls: 'none',
        from: 'reports@example.test',
        to: ['boss@example.test'],
      },
    });
    const at = new Date(Math.ceil((Date.now() + 3500) / 1000) * 1000);
    const tz = 'America/New_York';
    const s = await t.admin.reports.schedule({
      name: 'morning',
      kind: 'fleet',
      cron: cronAt(at, tz),
      timezone: tz,
      periodHours: 1,
      channels: [wh.channel.id, mail.channel.id],
    });
    assert.equal(s.nextRunAt, at.toISOString());
    const run = await eventually(
      async () => (await t.admin.reports.runs({ schedule: s.id })).items.find((r) => r.state === 'succeeded'),
      15_000,
      200,
    );
    assert.ok(Date.parse(run.startedAt) >= at.getTime(), `started ${run.startedAt}, due ${at.toISOString()}`);
    assert.ok(Date.parse(run.startedAt) < at.getTime() + 3000, `started ${run.startedAt}, due ${at.toISOString()}`);
    assert.equal(run.requestedBy, 'schedule:morning');
    const msg = await eventually(() => hook.received.find((r) => r.headers['x-outpost-event'] === 'report'), 10_000);
    assert.ok(msg.signatureOk);
    assert.equal((msg.json as { runId: string }).runId, run.id);
    const email = await eventually(() => smtp.mails.find((m) => m.subject.includes('Fleet report')), 10_000);
    assert.match(email.raw, new RegExp(`filename=${run.id}\\.csv`));
    const next = (await t.admin.reports.schedules()).items[0];
    assert.ok(Date.parse(next.nextRunAt!) > Date.now() + 3_600_000, 'moved on to tomorrow');
    assert.equal((await t.admin.reports.runs({ schedule: s.id })).items.length, 1);
  });

  it(
    'renders in Chromium to pages a person can read',
    { skip: existsSync(CHROMIUM) ? false : `no browser at ${CHROMIUM} (apt-get install -y chromium)` },
    async () => {
      mkdirSync(OUT, { recursive: true });
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      try {
        for (const [name, id] of [
          ['fleet', fleetRunId],
          ['device', deviceRunId],
        ] as const) {
          const html = await t.admin.reports.content(id, 'html');
          writeFileSync(join(OUT, `report-${name}.html`), html);
          // An A4 page at 96 dpi, as printed.
          const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
          await page.setContent(html, { waitUntil: 'load' });
          await page.emulateMedia({ media: 'print' });
          await page.screenshot({ path: join(OUT, `report-${name}.png`), fullPage: true });
          // Evaluated in the page (the DOM types are not part of this project's TypeScript setup).
          const look = (await page.evaluate(`({
          title: document.querySelector('h1')?.textContent ?? '',
          charts: document.querySelectorAll('svg[role="img"]').length,
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          fontPx: parseFloat(getComputedStyle(document.body).fontSize),
          chartHeights: [...document.querySelectorAll('svg')].map((s) => s.getBoundingClientRect().height),
        })`)) as { title: string; charts: number; overflow: number; fontPx: number; chartHeights: number[] };
          assert.match(look.title, name === 'fleet' ? /Fleet report/ : /Device report — rpt-pump-1/);
          assert.ok(look.charts >= 3, `${look.charts} charts`);
          assert.ok(look.overflow <= 0, 'nothing sticks out of the page width');
          assert.ok(look.fontPx >= 13, `body text ${look.fontPx}px`);
          assert.ok(
            look.chartHeights.every((h) => h > 30),
            'charts are drawn',
          );
          const pdf = await page.pdf({ format: 'A4', printBackground: false });
          writeFileSync(join(OUT, `report-${name}.pdf`), pdf);
          assert.ok(pdf.length > 5000);
          await page.close();
        }
      } finally {
        await browser.close();
      }
    },
  );
});
