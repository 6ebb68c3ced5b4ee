import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@outpost/client';
import { startTestHub, type TestHub } from './support/test-hub.js';

describe('bad monitoring definitions are refused with the path of the problem', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
    await t.admin.groups.create({ path: 'north', kind: 'static' });
  });
  after(() => t.stop());

  async function refused(p: Promise<unknown>, path: string, status = 400) {
    await assert.rejects(p, (e: ApiError) => {
      assert.equal(e.status, status, e.message);
      assert.equal(e.details?.path, path, `${e.message} ${JSON.stringify(e.details)}`);
      return true;
    });
  }

  it('refuses bad alert rules and creates nothing', async () => {
    const base = { name: 'r', type: 'metric', params: { metric: 'cpu', threshold: 90 } };
    await refused(
      t.admin.rules.create({ ...base, params: { metric: 'cpu_temperature', threshold: 90 } }),
      '/params/metric',
    );
    await refused(t.admin.rules.create({ ...base, forS: -5 }), '/forS');
    await refused(t.admin.rules.create({ ...base, clearForS: -1 }), '/clearForS');
    await refused(t.admin.rules.create({ name: 'o', type: 'offline', params: { afterS: -60 } }), '/params/afterS');
    await refused(
      t.admin.rules.create({ name: 'd', type: 'disconnects', params: { count: 3, windowS: -10 } }),
      '/params/windowS',
    );
    await refused(t.admin.rules.create({ name: 'd', type: 'disconnects', params: { count: 2.5 } }), '/params/count');
    await refused(
      t.admin.rules.create({ ...base, params: { metric: 'cpu', threshold: 90, reset: 95 } }),
      '/params/reset',
    );
    await refused(
      t.admin.rules.create({ ...base, params: { metric: 'cpu', threshold: 90, treshold: 80 } }),
      '/params/treshold',
    );
    await refused(t.admin.rules.create({ ...base, params: { metric: 'cpu' } }), '/params/threshold');
    await refused(
      t.admin.rules.create({
        name: 's',
        type: 'security_events',
        params: { types: ['auth.login_failed', 'BAD TYPE'] },
      }),
      '/params/types/1',
    );
    await refused(t.admin.rules.create({ ...base, type: 'no_such_type' }), '/type');
    await refused(t.admin.rules.create({ ...base, severity: 'apocalyptic' as 'info' }), '/severity');
    await refused(t.admin.rules.create({ ...base, channels: ['chn_nope'] }), '/channels/0');
    await refused(t.admin.rules.create({ ...base, scope: { group: 'south' } }), '/scope/group');
    await assert.rejects(
      t.admin.rules.create({ ...base, scope: { filter: 'model = ' } }),
      (e: ApiError) =>
        e.status === 400 && e.details?.path === '/scope/filter' && typeof e.details?.position === 'number',
    );
    assert.deepEqual((await t.admin.rules.list()).items, []);
    const ok = await t.admin.rules.create({
      ...base,
      scope: { group: 'north', filter: 'model = "gw-200"' },
      forS: 60,
      clearForS: 30,
    });
    assert.equal(ok.params.metric, 'cpuPct');
    await refused(t.admin.rules.update(ok.id, { params: { metric: 'nonsense', threshold: 1 } }), '/params/metric');
    await refused(t.admin.rules.create({ ...base, scope: { group: 'north' } }), '/name', 409);
  });

  it('refuses bad report schedules', async () => {
    const base = { name: 'daily', kind: 'fleet' as const, cron: '0 7 * * *', timezone: 'Europe/Berlin' };
    await refused(t.admin.reports.schedule({ ...base, cron: '0 25 * * *' }), '/cron');
    await refused(t.admin.reports.schedule({ ...base, cron: 'every morning' }), '/cron');
    await refused(t.admin.reports.schedule({ ...base, timezone: 'Mars/Olympus_Mons' }), '/timezone');
    await refused(t.admin.reports.schedule({ ...base, periodHours: -24 }), '/periodHours');
    await refused(t.admin.reports.schedule({ ...base, formats: ['html', 'pdf' as 'html'] }), '/formats/1');
    await refused(t.admin.reports.schedule({ ...base, kind: 'device' }), '/deviceId');
    assert.deepEqual((await t.admin.reports.schedules()).items, []);
    const s = await t.admin.reports.schedule(base);
    assert.ok(Date.parse(s.nextRunAt!) > Date.now());
  });

  it('refuses bad channels and health models', async () => {
    await refused(
      t.admin.channels.create({ name: 'w', kind: 'webhook', config: { url: 'ftp://example.test/x' } }),
      '/config/url',
    );
    await refused(
      t.admin.channels.create({ name: 'w', kind: 'webhook', config: { url: 'https://example.test/x', verb: 'PUT' } }),
      '/config/verb',
    );
    await refused(
      t.admin.channels.create({
        name: 'e',
        kind: 'email',
        config: { host: 'smtp.example.test', from: 'a@example.test', to: ['not-an-address'] },
      }),
      '/config/to/0',
    );
    await refused(
      t.admin.channels.create({ name: 'm', kind: 'mqtt', config: { topic: 'outpost/v1/d/dev-1/cmd/req' } }),
      '/config/topic',
    );
    await refused(
      t.admin.channels.create({
        name: 'w',
        kind: 'webhook',
        config: { url: 'https://example.test/x' },
        digest: { waitS: -1 },
      }),
      '/digest/waitS',
    );
    await refused(
      t.admin.health.setModel('gw-200', [
        { metric: 'cpu', op: '>', warning: 80, error: 95 },
        { metric: 'humidity', op: '>', error: 1 },
      ]),
      '/rules/1/metric',
    );
    await refused(
      t.admin.health.setModel('gw-200', [{ metric: 'cpu', op: '>', warning: 95, error: 80 }]),
      '/rules/0/warning',
    );
    assert.deepEqual((await t.admin.channels.list()).items, []);
    // Nothing stored; the listing names the metrics a rule may use (the editor offers them).
    const models = await t.admin.health.models();
    assert.deepEqual(
      models.items.map((m) => m.model),
      ['*'],
    );
    assert.ok(models.metrics.includes('cpuPct') && !models.metrics.includes('humidity'), models.metrics.join());
  });
});
