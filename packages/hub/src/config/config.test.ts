import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, loadConfig } from './config.js';

it('takes flags over env over file over defaults', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-cfg-'));
  const file = join(dir, 'hub.json');
  writeFileSync(file, JSON.stringify({ httpPort: 1001, mqttPort: 1002, bind: '127.0.0.2', logLevel: 'warn' }));
  const c = loadConfig({
    file,
    env: { OUTPOST_MQTT_PORT: '2002', OUTPOST_BIND: '127.0.0.3' },
    flags: { bind: '127.0.0.4' },
  });
  assert.equal(c.httpPort, 1001);
  assert.equal(c.mqttPort, 2002);
  assert.equal(c.bind, '127.0.0.4');
  assert.equal(c.logLevel, 'warn');
  assert.equal(c.heartbeatFactor, DEFAULTS.heartbeatFactor);
});

it('binds to loopback unless told otherwise', () => {
  assert.equal(loadConfig({}).bind, '127.0.0.1');
});

it('refuses bad values with the name of the setting', () => {
  assert.throws(() => loadConfig({ env: { OUTPOST_HTTP_PORT: 'eighty' } }), /OUTPOST_HTTP_PORT/);
  assert.throws(() => loadConfig({ env: { OUTPOST_HTTP_PORT: '70000' } }), /httpPort/);
  assert.throws(() => loadConfig({ env: { OUTPOST_ADMIN_PASSWORD: 'short' } }), /adminPassword/);
  assert.throws(() => loadConfig({ env: { OUTPOST_HTTP_TLS: 'maybe' } }), /OUTPOST_HTTP_TLS/);
});
