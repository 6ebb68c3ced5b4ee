import { describe, it } from 'node:test';
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

it('takes a PostgreSQL URL as the database, and refuses any other kind of URL', () => {
  assert.equal(loadConfig({}).databaseUrl, undefined);
  const url = 'postgres://outpost:pw@db.example.net:5432/outpost?sslmode=verify-full';
  assert.equal(loadConfig({ env: { OUTPOST_DATABASE_URL: url } }).databaseUrl, url);
  assert.equal(loadConfig({ env: { OUTPOST_DATABASE_URL: 'postgresql://h/db' } }).databaseUrl, 'postgresql://h/db');
  for (const bad of ['mysql://h/db', 'sqlite:./x.db', 'postgres://h/db with space'])
    assert.throws(() => loadConfig({ env: { OUTPOST_DATABASE_URL: bad } }), /databaseUrl/);
});

it('refuses bad values with the name of the setting', () => {
  assert.throws(() => loadConfig({ env: { OUTPOST_HTTP_PORT: 'eighty' } }), /OUTPOST_HTTP_PORT/);
  assert.throws(() => loadConfig({ env: { OUTPOST_HTTP_PORT: '70000' } }), /httpPort/);
  assert.throws(() => loadConfig({ env: { OUTPOST_ADMIN_PASSWORD: 'short' } }), /adminPassword/);
  assert.throws(() => loadConfig({ env: { OUTPOST_HTTP_TLS: 'maybe' } }), /OUTPOST_HTTP_TLS/);
});

describe('identity providers', () => {
  const provider = {
    id: 'corp',
    label: 'Corp',
    issuer: 'https://sso.example.com',
    clientId: 'hub',
    redirectUrl: 'https://hub.example.com/api/v1/auth/oidc/corp/callback',
    rules: [{ claim: 'groups', value: 'ot-north', role: 'operator', groups: ['north'] }],
  };

  it('fills defaults and reads the client secret from the variable it names, once, at load', () => {
    const env = { OUTPOST_OIDC_PROVIDERS: JSON.stringify([{ ...provider, clientSecretEnv: 'CORP_SECRET' }]) };
    const [p] = loadConfig({ env: { ...env, CORP_SECRET: 's3cret' } }).oidcProviders;
    assert.deepEqual(
      [p.scopes, p.usernameClaim, p.clientSecret],
      [['openid', 'profile', 'email'], 'preferred_username', 's3cret'],
    );
    assert.equal('clientSecretEnv' in p, false);
    assert.throws(() => loadConfig({ env }), /oidcProviders "corp": the environment variable CORP_SECRET is not set/);
  });

  it('reads the client secret from a file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'outpost-cfg-')), 'secret');
    writeFileSync(file, 'from-a-file\n', { mode: 0o600 });
    const c = loadConfig({ flags: { oidcProviders: [{ ...provider, clientSecretFile: file }] as never } });
    assert.equal(c.oidcProviders[0].clientSecret, 'from-a-file');
  });

  it('refuses what would make sign-in ambiguous or insecure, naming the provider', () => {
    const load = (providers: unknown[]) => loadConfig({ flags: { oidcProviders: providers as never } });
    assert.throws(() => load([provider, provider]), /oidcProviders "corp": the id is used twice/);
    assert.throws(() => load([{ ...provider, scopes: ['profile'] }]), /scopes must include "openid"/);
    assert.throws(() => load([{ ...provider, clientSecret: 'a', clientSecretEnv: 'B' }]), /one way only/);
    assert.throws(() => load([{ ...provider, issuer: 'http://sso.example.com' }]), /issuer/);
    assert.throws(() => load([{ ...provider, rules: [{ ...provider.rules[0], role: 'root' }] }]), /role/);
    assert.throws(() => load([{ ...provider, allowUsers: { claim: 'email', pattern: '(' } }]), /allowUsers.pattern/);
    const back = 'https://hub.example.com/api/v1/auth/oidc/corp/signed-out';
    assert.equal(load([{ ...provider, postLogoutRedirectUri: back }]).oidcProviders[0].postLogoutRedirectUri, back);
    for (const elsewhere of ['https://evil.example.com/api/v1/auth/oidc/corp/signed-out', 'http://hub.example.com/x'])
      assert.throws(() => load([{ ...provider, postLogoutRedirectUri: elsewhere }]), /hub's own origin/);
    assert.throws(
      () => load([{ ...provider, postLogoutRedirectUri: 'https://hub.example.com/' }]),
      /postLogoutRedirectUri must be https:\/\/hub\.example\.com\/api\/v1\/auth\/oidc\/corp\/signed-out/,
    );
    assert.throws(() => loadConfig({ env: { OUTPOST_OIDC_PROVIDERS: '[{' } }), /OUTPOST_OIDC_PROVIDERS: expected JSON/);
  });
});
