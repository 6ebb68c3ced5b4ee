import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSnapshot } from '../../devices/index.js';
import { BUILT_IN_RULE_TYPES, type AnyRuleType, type TrafficReader } from './index.js';
import { certRenewalRule } from './cert-renewal.rule.js';
import { caRetiringRule } from './ca-retiring.rule.js';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const type = (name: string) => BUILT_IN_RULE_TYPES.find((t) => t.type === name) as AnyRuleType;
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function dev(over: Partial<DeviceSnapshot> & { healthData?: Record<string, unknown> } = {}): DeviceSnapshot {
  const { healthData, ...rest } = over;
  return {
    id: 'd1',
    name: 'Pump 1',
    model: 'gw-200',
    firmware: '1',
    presence: 'online',
    presenceChangedAt: ago(3600),
    lastSeenAt: ago(1),
    healthAt: ago(5),
    healthIntervalS: 30,
    certExpiresAt: '2027-01-01T00:00:00Z',
    health: () => healthData ?? null,
    ...rest,
  };
}

const status = (t: AnyRuleType, d: DeviceSnapshot, params: Record<string, unknown>, loaded?: unknown) =>
  t.evaluate(d, t.parse(params), loaded, NOW).status;

describe('rule types', () => {
  it('offline: holds before D, fires after, resets when online, ignores never-seen devices', () => {
    const t = type('offline');
    assert.equal(status(t, dev({ presence: 'offline', presenceChangedAt: ago(299) }), { afterS: 300 }), 'hold');
    assert.equal(status(t, dev({ presence: 'offline', presenceChangedAt: ago(300) }), { afterS: 300 }), 'breach');
    assert.equal(status(t, dev(), { afterS: 300 }), 'ok');
    assert.equal(status(t, dev({ presence: 'never_seen', presenceChangedAt: null }), {}), 'ok');
  });

  it('metric: fires past the threshold, resets only past the reset value (hysteresis), ignores stale reports', () => {
    const t = type('metric');
    const p = { metric: 'temperature', op: '>', threshold: 80, reset: 70 };
    const at = (v: number, healthAt = ago(5)) => status(t, dev({ healthData: { temperatureC: v }, healthAt }), p);
    assert.equal(at(85), 'breach');
    assert.equal(at(80), 'hold');
    assert.equal(at(75), 'hold');
    assert.equal(at(69), 'ok');
    assert.equal(at(95, ago(3600)), 'hold', 'an hour-old report says nothing');
    assert.equal(
      status(t, dev({ healthData: { signalDbm: -118 } }), { metric: 'signal', op: '<', threshold: -110 }),
      'breach',
    );
    assert.equal(status(t, dev({ healthData: {} }), p), 'hold');
  });

  it('missing data: fires when a connected device has not reported for interval × k', () => {
    const t = type('missing_data');
    assert.equal(status(t, dev({ healthAt: ago(89) }), { factor: 3 }), 'ok');
    assert.equal(status(t, dev({ healthAt: ago(91) }), { factor: 3 }), 'breach');
    assert.equal(status(t, dev({ healthAt: null, presenceChangedAt: ago(200) }), { factor: 3 }), 'breach');
    assert.equal(status(t, dev({ presence: 'offline', healthAt: ago(900) }), {}), 'hold');
  });

  it('certificate expiry and disconnect and security event counts', () => {
    assert.equal(
      status(type('cert_expiry'), dev({ certExpiresAt: new Date(NOW + 10 * 86_400_000).toISOString() }), { days: 14 }),
      'breach',
    );
    assert.equal(status(type('cert_expiry'), dev(), { days: 14 }), 'ok');
    const dc = type('disconnects');
    assert.equal(status(dc, dev(), { count: 3 }, new Map([['d1', 3]])), 'breach');
    assert.equal(status(dc, dev(), { count: 3 }, new Map([['d1', 2]])), 'ok');
    const se = type('security_events');
    const counts = new Map([['d1', { 'auth.login_failed': 4, 'guard.blocked': 1 }]]);
    const obs = se.evaluate(dev(), se.parse({ types: ['auth.login_failed', 'guard.*'], count: 5 }), counts, NOW);
    assert.equal(obs.status, 'breach');
    assert.match((obs as { text: string }).text, /auth\.login_failed ×4, guard\.blocked ×1/);
  });

  it('certificate renewal failing: N failed attempts in a row, read once per evaluation', async () => {
    const asked: number[] = [];
    const t = certRenewalRule({
      failing: async (min) => {
        asked.push(min);
        return [{ deviceId: 'd1', failures: 4, lastFailure: 'no_answer', lastFailureAt: ago(60) }].filter(
          (r) => r.failures >= min,
        );
      },
    });
    const load = async (failures: number) => t.load!({} as never, t.parse({ failures }));
    const obs = t.evaluate(dev(), t.parse({ failures: 3 }), await load(3), NOW);
    assert.equal(obs.status, 'breach');
    assert.match((obs as { text: string }).text, /failed 4 times in a row \(last: no_answer/);
    assert.equal(t.evaluate(dev(), t.parse({ failures: 5 }), await load(5), NOW).status, 'ok');
    assert.equal(t.evaluate(dev({ id: 'd2' }), t.parse({}), await load(3), NOW).status, 'ok');
    assert.deepEqual(asked, [3, 5, 3]);
    assert.throws(() => t.parse({ failures: 0 }), /params\.failures/);
  });

  it('device on a retiring CA: counts only once the CA has been retiring for the hours given', async () => {
    const asked: string[][] = [];
    const t = caRetiringRule({
      retiringCas: () => [
        { id: 'ca-1', retiringAt: ago(3 * 3600) },
        { id: 'ca-2', retiringAt: ago(600) },
      ],
      devicesOn: async (caIds) => {
        asked.push(caIds);
        return caIds[0] === 'ca-1' ? ['d1'] : ['d1', 'd2'];
      },
    });
    const load = async (hours: number) => t.load!({ now: NOW } as never, t.parse({ hours }));
    const obs = t.evaluate(dev(), t.parse({ hours: 2 }), await load(2), NOW);
    assert.equal(obs.status, 'breach');
    assert.match((obs as { text: string }).text, /still from retiring CA ca-1: the device has not renewed/);
    assert.equal(t.evaluate(dev({ id: 'd2' }), t.parse({ hours: 2 }), await load(2), NOW).status, 'ok');
    assert.equal(t.evaluate(dev({ id: 'd2' }), t.parse({ hours: 0 }), await load(0), NOW).status, 'breach');
    assert.equal(t.evaluate(dev(), t.parse({}), await load(24), NOW).status, 'ok', 'no CA retiring for a day');
    assert.deepEqual(asked, [['ca-1'], ['ca-1'], ['ca-1'], ['ca-2']]);
    assert.throws(() => t.parse({ hours: -1 }), /params\.hours/);
  });

  it('traffic volume: k × baseline and z robust deviations and the floor must all hold', () => {
    const t = type('traffic_volume');
    const reader = (bytesPerS: number, median: number, mad: number, at = NOW - 1000): TrafficReader => ({
      status: () => ({ at, periodS: 60, bytesPerS, baseline: { median, mad, source: 'hour-of-week', points: 8 } }),
      newPortsSince: async () => new Map(),
    });
    const p = { k: 3, minBytesPerS: 1000 };
    assert.equal(status(t, dev(), p, reader(30_000, 10_000, 500)), 'breach');
    assert.equal(status(t, dev(), p, reader(29_000, 10_000, 500)), 'ok');
    assert.equal(
      status(t, dev(), p, reader(30_000, 10_000, 8000)),
      'hold',
      'a device this noisy is not anomalous at 3×',
    );
    assert.equal(status(t, dev(), p, reader(900, 100, 10)), 'hold', 'below the floor');
    assert.equal(status(t, dev(), p, reader(30_000, 10_000, 500, NOW - 3_600_000)), 'hold', 'stale');
    const learning: TrafficReader = {
      status: () => ({ at: NOW, periodS: 60, bytesPerS: 1e6, baseline: null }),
      newPortsSince: async () => new Map(),
    };
    assert.equal(status(t, dev(), p, learning), 'ok');
  });

  it('new port: fires for ports first seen inside the window, except ignored ones', () => {
    const t = type('traffic_new_port');
    const ports = new Map([['d1', [{ proto: 'tcp', port: 4444, dir: 'out', firstSeen: ago(60) }]]]);
    assert.equal(status(t, dev(), {}, ports), 'breach');
    assert.equal(status(t, dev(), { ignorePorts: [4444] }, ports), 'ok');
    assert.equal(status(t, dev({ id: 'd2' }), {}, ports), 'ok');
  });

  it('parameters are checked strictly with paths', () => {
    assert.throws(
      () => type('offline').parse({ afterS: -1 }),
      (e: { details: { path: string } }) => e.details.path === '/params/afterS',
    );
    assert.throws(
      () => type('metric').parse({ metric: 'cpu', threshold: 'high' }),
      (e: { details: { path: string } }) => e.details.path === '/params/threshold',
    );
    assert.throws(
      () => type('traffic_volume').parse({ k: 1 }),
      (e: { details: { path: string } }) => e.details.path === '/params/k',
    );
    assert.deepEqual(type('metric').parse({ metric: 'mem', threshold: 90 }), {
      metric: 'memUsedPct',
      op: '>',
      threshold: 90,
      reset: 90,
      staleFactor: 3,
    });
  });
});
