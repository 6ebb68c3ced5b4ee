import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { HubError } from '../../platform/errors.js';
import { createSecretBox } from './config-secrets.js';
import { diffSpecs, maskSettings, specFromInput } from './template-spec.js';
import { compileModelSchema } from './model-schema.js';
import { mergeSources, storedDesired, type SourceTemplate } from './effective-state.js';

const box = createSecretBox(randomBytes(32));
const input = (settings: Record<string, unknown>) => ({
  name: 't1',
  priority: 5,
  policy: 'report' as const,
  target: { group: 'g' },
  settings: settings as never,
});
const pathOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as HubError).details?.path;
  }
  return 'no error';
};

describe('template specs', () => {
  it('seals secrets, keeps them on `$secret: true`, and diffs them only as changed', () => {
    const v1 = specFromInput(
      input({ 'wifi.psk': { $secret: 'hunter2-long' }, 'wifi.ssid': 'a' }),
      null,
      'template:x',
      box,
      [],
    );
    assert.ok(!JSON.stringify(v1).includes('hunter2-long'));
    assert.deepEqual(maskSettings(v1.settings), { 'wifi.psk': { $secret: true }, 'wifi.ssid': 'a' });
    const v2 = specFromInput(input({ 'wifi.psk': { $secret: true }, 'wifi.ssid': 'b' }), v1, 'template:x', box, []);
    assert.deepEqual(diffSpecs(v1, v2, 'template:x', box), [
      { field: 'settings.wifi.ssid', change: 'changed', from: 'a', to: 'b' },
    ]);
    const v3 = specFromInput(
      input({ 'wifi.psk': { $secret: 'other-secret' }, 'wifi.ssid': 'b' }),
      v2,
      'template:x',
      box,
      [],
    );
    assert.deepEqual(diffSpecs(v2, v3, 'template:x', box), [
      { field: 'settings.wifi.psk', change: 'changed', secret: true },
    ]);
    // A sealed value is bound to its owner and key: moved elsewhere it does not open.
    assert.throws(() => box.open('template:y', 'wifi.psk', v3.settings['wifi.psk'] as { $enc: string }));
    assert.equal(
      pathOf(() => specFromInput(input({ 'new.secret': { $secret: true } }), v3, 'template:x', box, [])),
      '/settings/new.secret',
    );
  });

  it('maps schema errors back to the flat key and index that was sent', () => {
    const s = compileModelSchema({
      type: 'object',
      additionalProperties: false,
      properties: {
        a: {
          type: 'object',
          properties: { list: { type: 'array', items: { type: 'integer' } }, ip: { type: 'string', format: 'ipv4' } },
          additionalProperties: false,
        },
      },
    });
    assert.equal(
      pathOf(() => s.check({ 'a.list': [1, 'x'] })),
      '/settings/a.list/1',
    );
    assert.equal(
      pathOf(() => s.check({ 'a.ip': '300.1.1.1' })),
      '/settings/a.ip',
    );
    assert.equal(
      pathOf(() => s.check({ 'a.other': 1 })),
      '/settings/a.other',
    );
    assert.equal(
      pathOf(() => s.check({ 'b.c.d': 1 })),
      '/settings/b.c.d',
    );
    assert.equal(
      pathOf(() => s.check({ 'a.ip': '10.0.0.1', 'a.list': [1] })),
      'no error',
    );
    assert.equal(
      pathOf(() => compileModelSchema({ type: 'object', properties: { a: { type: 'no-such-type' } } })),
      '/schema',
    );
  });

  it('merges by precedence: override, then priority, then name', () => {
    const t = (id: string, priority: number, settings: Record<string, string>): SourceTemplate => ({
      id,
      name: id,
      version: 1,
      priority,
      policy: 'enforce',
      settings,
      files: [],
    });
    const m = mergeSources(
      [t('low', 1, { a: 'low', b: 'low' }), t('high', 9, { a: 'high' }), t('alpha', 1, { b: 'alpha', c: 'alpha' })],
      [{ key: 'c', value: 'mine' }],
    );
    assert.deepEqual(Object.fromEntries([...m.entries].map(([k, e]) => [k, [e.source, e.value, e.overridden]])), {
      c: ['@device', 'mine', ['alpha']],
      a: ['high', 'high', ['low']],
      b: ['alpha', 'alpha', ['low']],
    });
    const stored = storedDesired(m, () => 'digest');
    assert.deepEqual(Object.keys(stored.e), ['a', 'b', 'c']);
  });
});
