import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileModelSchema, MAX_VIOLATIONS } from './model-schema.js';
import { checkReported, hasInvalid, invalidByKey, invalidKeys, storedReportJson } from './reported-check.js';

const open = {
  type: 'object',
  properties: {
    ssh: {
      type: 'object',
      additionalProperties: false,
      properties: { enabled: { type: 'boolean' }, port: { type: 'integer', minimum: 1, maximum: 65535 } },
      required: ['enabled'],
    },
    ntp: { type: 'object', properties: { servers: { type: 'array', items: { type: 'string', format: 'hostname' } } } },
    wifi: {
      type: 'object',
      properties: { psk: { type: 'string', pattern: '^[A-Za-z0-9]{12,63}$' }, ssid: { $ref: '#/$defs/name' } },
    },
    logging: {
      type: 'object',
      properties: {
        level: { anyOf: [{ enum: ['debug', 'info', 'warning'] }, { type: 'integer', minimum: 0, maximum: 7 }] },
      },
    },
  },
  $defs: { name: { type: 'string', maxLength: 8 } },
  required: ['ssh', 'serial'],
};

describe('model schema: every violation of a reported document', () => {
  it('collects all violations (type, range, pattern, format, $ref, anyOf) with key, path and message, and never a value', () => {
    const s = compileModelSchema(open);
    const { items, total } = s.violations({
      'ssh.port': 70000,
      'ssh.enabled': 'yes',
      'ntp.servers': ['pool.ntp.org', 'not a host!', 5],
      'wifi.psk': 'Short!Secret',
      'wifi.ssid': 'a-name-too-long',
      'logging.level': 'verbose',
      'vendor.fan.curve': [1, 2, 3],
    });
    assert.equal(total, items.length);
    const by = (key: string) => items.filter((v) => v.key === key).map(({ path, message }) => [path, message]);
    assert.deepEqual(by('ssh.port'), [['/settings/ssh.port', 'must be <= 65535']]);
    assert.deepEqual(by('ssh.enabled'), [['/settings/ssh.enabled', 'must be boolean']]);
    assert.deepEqual(by('ntp.servers'), [
      ['/settings/ntp.servers/1', 'item 1 must match format "hostname"'],
      ['/settings/ntp.servers/2', 'item 2 must be string'],
    ]);
    assert.deepEqual(by('wifi.psk'), [['/settings/wifi.psk', 'must match pattern "^[A-Za-z0-9]{12,63}$"']]);
    assert.deepEqual(by('wifi.ssid'), [['/settings/wifi.ssid', 'must NOT have more than 8 characters']]);
    // A failed anyOf says so once, not once per branch.
    assert.deepEqual(by('logging.level'), [['/settings/logging.level', 'must match a schema in anyOf']]);
    // The root is open: a setting the schema does not know is not an error; `required` is ignored.
    assert.deepEqual(by('vendor.fan.curve'), []);
    assert.equal(items.length, 7);
    assert.ok(!JSON.stringify(items).includes('Short!Secret'));
    assert.deepEqual(s.violations({ 'ssh.port': 22, 'ssh.enabled': true, 'vendor.x': 1 }), { items: [], total: 0 });
  });

  it('flags unknown keys only where the schema is strict, each reported key under an unknown branch', () => {
    const strict = compileModelSchema({ ...open, additionalProperties: false });
    const r = strict.violations({
      'ssh.enabled': true,
      'ssh.colour': 'blue',
      'web.admin.enabled': true,
      'web.port': 8080,
      'ntp.extra': 1,
    });
    assert.deepEqual(
      r.items.map((v) => [v.key, v.path, v.message]).sort(),
      [
        ['ssh.colour', '/settings/ssh.colour', 'is not a setting this model knows'],
        ['web.admin.enabled', '/settings/web.admin.enabled', 'is not a setting this model knows'],
        ['web.port', '/settings/web.port', 'is not a setting this model knows'],
      ],
      '`ntp` itself is open, so ntp.extra is fine',
    );
  });

  it('caps the list, keeps the preferred (managed) keys first, and counts them all', () => {
    const s = compileModelSchema({ type: 'object', additionalProperties: { type: 'integer' } });
    const settings = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'x']));
    const r = s.violations(settings, { first: (k) => k === 'k119' });
    assert.equal(r.total, 120);
    assert.equal(r.items.length, MAX_VIOLATIONS);
    assert.equal(r.items[0].key, 'k119');
    assert.equal(r.items[1].key, 'k000');
  });

  it('checks a report: digests are skipped, earlier findings carried only for keys it cannot see', () => {
    const s = compileModelSchema(open);
    const managed = (k: string) => k === 'ssh.port';
    const first = checkReported(
      s,
      'gw-200',
      { 'ssh.port': 0, 'wifi.psk': 'bad', 'admin.password': { $digest: 'a'.repeat(64) } },
      { managed },
    );
    assert.deepEqual(invalidKeys(first), ['ssh.port', 'wifi.psk']);
    assert.equal(invalidByKey(first).get('ssh.port'), 'must be >= 1');
    // The next check sees wifi.psk only as a digest: what was found in it stays.
    const again = checkReported(
      s,
      'gw-200',
      { 'ssh.port': 22, 'wifi.psk': { $digest: 'b'.repeat(64) } },
      { managed, previous: first, carry: (k) => k === 'wifi.psk' },
    );
    assert.deepEqual(invalidKeys(again), ['wifi.psk']);
    assert.equal(again?.total, 1);
    // Another model's findings are not carried; nothing wrong is null.
    assert.equal(checkReported(s, 'gw-300', { 'ssh.port': 22 }, { managed, previous: first, carry: () => true }), null);
    // Stored with the finding first, so it can be seen without parsing.
    const json = storedReportJson({ ts: 1, settings: {} }, first);
    assert.ok(hasInvalid(json));
    assert.ok(!hasInvalid(storedReportJson(JSON.parse(json) as object, null)));
  });
});

describe('model schema: the required keyword', () => {
  it('lets a model define a setting named "required" and keeps data that mentions required', () => {
    const s = compileModelSchema({
      type: 'object',
      additionalProperties: false,
      properties: {
        required: { type: 'boolean' },
        mode: { enum: [{ required: true }, 'off'] },
        site: {
          type: 'object',
          additionalProperties: false,
          properties: { required: { type: 'string' } },
          required: ['required'],
        },
      },
      required: ['required', 'mode'],
    });
    assert.doesNotThrow(() => s.check({ required: true }));
    assert.doesNotThrow(() => s.check({ 'site.required': 'yes' }));
    assert.throws(() => s.check({ required: 'yes' }), /setting "required" must be boolean/);
    assert.throws(
      () => s.check({ 'mode.required': false }),
      (e: Error & { details?: { path?: string } }) => e.details?.path?.startsWith('/settings/mode') ?? false,
    );
    // A template sets a subset: the schema's required lists apply to neither templates nor reports.
    assert.doesNotThrow(() => s.check({}));
    assert.deepEqual(s.violations({ 'site.required': 'x' }).items, []);
  });

  it('drops required at every schema position: nested, in combinators, in definitions', () => {
    const s = compileModelSchema({
      type: 'object',
      properties: {
        a: { allOf: [{ $ref: '#/$defs/box' }] },
        b: { type: 'array', items: { type: 'object', required: ['x'] } },
      },
      $defs: { box: { type: 'object', required: ['w'], properties: { w: { type: 'integer' } } } },
    });
    assert.deepEqual(s.violations({ 'a.h': 1, b: [{}] }).items, []);
    assert.throws(() => s.check({ 'a.w': 'wide' }), /must be integer/);
  });
});
