import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiedAlert } from '@outpost/protocol';
import { composeAlerts, MAX_LISTED } from './notify.composer.js';
import { retryDelay } from './delivery.worker.js';
import { signWebhook, verifyWebhook } from './webhook-signature.js';
import { parseChannelConfig } from './channel-config.js';

const alert = (i: number, event: NotifiedAlert['event'] = 'fired'): NotifiedAlert => ({
  alertId: `alr_${i}`,
  event,
  rule: { id: 'rul_1', name: 'device offline', type: 'offline' },
  severity: 'critical',
  device: { id: `dev-${i}`, name: `Pump <${i}>`, url: `https://hub/devices/dev-${i}` },
  since: '2026-03-02T10:00:00Z',
  at: '2026-03-02T10:05:00Z',
  value: 300,
  text: 'offline for 5m',
});

describe('notifications', () => {
  it('folds 1,000 alert changes into one message with a bounded list', () => {
    const m = composeAlerts(
      'msg_1',
      '2026-03-02T10:05:02Z',
      Array.from({ length: 1000 }, (_, i) => alert(i)),
    );
    const n = m.body.json as { counts: { fired: number }; alerts: unknown[]; omitted: number };
    assert.equal(n.counts.fired, 1000);
    assert.equal(n.alerts.length, MAX_LISTED);
    assert.equal(n.omitted, 1000 - MAX_LISTED);
    assert.equal(m.summary, '[CRITICAL] 1000 firing on 1000 devices: device offline ×1000');
    assert.ok(
      m.body.email.html.includes('Pump &lt;1&gt;') && !m.body.email.html.includes('Pump <1>'),
      'names are escaped in HTML',
    );
    assert.match(m.body.email.text, /and 800 more alert changes/);
    assert.equal(
      composeAlerts('m', 'x', [alert(1, 'resolved')]).summary,
      '[CRITICAL] RESOLVED: device offline on Pump <1>',
    );
  });

  it('signs with HMAC-SHA256 over timestamp and body; refuses tampering and replays', () => {
    const body = '{"a":1}';
    const h = signWebhook('s3cret-s3cret-s3cret', 1_770_000_000, body);
    assert.match(h, /^t=1770000000,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifyWebhook('s3cret-s3cret-s3cret', h, body, 1_770_000_010), {
      ok: true,
      timestamp: 1_770_000_000,
    });
    assert.equal(verifyWebhook('s3cret-s3cret-s3cret', h, '{"a":2}', 1_770_000_010).ok, false);
    assert.equal(verifyWebhook('another-secret-xxxx', h, body, 1_770_000_010).ok, false);
    assert.deepEqual(verifyWebhook('s3cret-s3cret-s3cret', h, body, 1_770_000_000 + 301), {
      ok: false,
      reason: 'timestamp outside the tolerance',
    });
    assert.equal(verifyWebhook('s3cret-s3cret-s3cret', 'garbage', body, 1_770_000_010).ok, false);
  });

  it('backs off exponentially up to the cap, with jitter', () => {
    const max = (n: number) => retryDelay(n, 1000, 60_000, () => 1);
    const min = (n: number) => retryDelay(n, 1000, 60_000, () => 0);
    assert.deepEqual([1, 2, 3, 4].map(max), [1000, 2000, 4000, 8000]);
    assert.deepEqual([1, 2, 3, 4].map(min), [500, 1000, 2000, 4000]);
    assert.equal(max(20), 60_000);
  });

  it('checks channel settings per kind', () => {
    assert.deepEqual(parseChannelConfig('mqtt', {}), { topic: 'outpost/v1/alerts', qos: 1 });
    assert.deepEqual(parseChannelConfig('mqtt', { topic: 'outpost/v1/alerts/scada-team', qos: 0 }), {
      topic: 'outpost/v1/alerts/scada-team',
      qos: 0,
    });
    assert.throws(() => parseChannelConfig('mqtt', { topic: 'outpost/v1/alerts/#' }), /config.topic/);
    assert.throws(() => parseChannelConfig('webhook', { url: 'https://user:pw@example.test/' }), /credentials/);
    assert.equal(
      parseChannelConfig('email', { host: 'smtp.example.test', from: 'Ops <ops@example.test>', to: ['a@example.test'] })
        .port,
      587,
    );
  });
});
