import { it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateDevice, worstState } from './compliance.evaluate.js';
import { tableCsv } from './compliance.report.js';
import type { StoredDesired } from '../effective-state.js';

const desired: StoredDesired = {
  e: {
    'ssh.enabled': { s: 'tA', v: false, f: 1 },
    'wifi.psk': { s: 'tA', d: 'f'.repeat(64), f: 1 },
    'log.level': { s: 'tB', v: 'info', f: 0 },
  },
  files: { '/etc/motd': { s: 'tB', sha256: 'a'.repeat(64), mode: 0o644, f: 0 } },
};
const report = (over: Record<string, unknown> = {}) => ({
  ts: 1,
  desiredVersion: 4,
  settings: { 'ssh.enabled': false, 'wifi.psk': { $digest: 'f'.repeat(64) }, 'log.level': 'info' },
  files: [{ path: '/etc/motd', sha256: 'a'.repeat(64), mode: 0o644 }],
  results: [],
  localChanges: [],
  maintenanceUntil: null,
  ...over,
});

it('tells pending, compliant, drifted (with who) and error apart per source', () => {
  assert.deepEqual(
    [...evaluateDevice(desired, 4, null, null).values()].map((v) => v.state),
    ['pending', 'pending'],
  );
  assert.deepEqual(
    [...evaluateDevice(desired, 5, report(), null).values()].map((v) => v.state),
    ['pending', 'pending'],
  );
  assert.deepEqual(
    [...evaluateDevice(desired, 4, report(), null).values()].map((v) => v.state),
    ['compliant', 'compliant'],
  );
  const drift = evaluateDevice(
    desired,
    4,
    report({
      settings: { 'ssh.enabled': true, 'wifi.psk': { $digest: '0'.repeat(64) } },
      localChanges: [{ key: 'ssh.enabled', at: 0, users: ['tech'], via: 'direct' }],
    }),
    null,
  );
  assert.deepEqual(drift.get('tA'), {
    state: 'drifted',
    reason: null,
    diff: [
      {
        key: 'ssh.enabled',
        desired: false,
        actual: true,
        change: 'changed',
        changedAt: '1970-01-01T00:00:00.000Z',
        users: ['tech'],
        via: 'direct',
      },
      { key: 'wifi.psk', secret: true, change: 'changed' },
    ],
  });
  assert.deepEqual(
    drift.get('tB')?.diff.map((x) => [x.key, x.change]),
    [['log.level', 'missing']],
  );
  const failed = evaluateDevice(
    desired,
    4,
    report({ results: [{ key: 'file:/etc/motd', status: 'failed', error: 'read-only fs' }] }),
    null,
  );
  assert.deepEqual(failed.get('tB'), { state: 'error', diff: [], reason: 'file:/etc/motd: read-only fs' });
  assert.equal(evaluateDevice(desired, 4, report(), 'malformed').get('tA')?.state, 'error');
  assert.equal(worstState(['compliant', 'pending', 'drifted']), 'drifted');
});

it('sets error for a managed key whose reported value breaks the model schema, unless enforcement will put it back', () => {
  const invalid = (keys: string[]) => ({
    model: 'gw-200',
    total: keys.length,
    items: keys.map((key) => ({ key, path: `/settings/${key}`, message: 'must be <= 7' })),
  });
  // log.level (tB, report policy) holds the desired value, which the model forbids: error.
  const same = evaluateDevice(desired, 4, report({ invalid: invalid(['log.level']) }), null);
  assert.deepEqual(same.get('tB'), {
    state: 'error',
    diff: [],
    reason: 'reported value invalid: log.level: must be <= 7',
  });
  assert.equal(same.get('tA')?.state, 'compliant');
  // Drifted under report policy: still error, the device holds a value its model forbids.
  const reportDrift = evaluateDevice(
    desired,
    4,
    report({ settings: { ...report().settings, 'log.level': 'loud' }, invalid: invalid(['log.level']) }),
    null,
  );
  assert.equal(reportDrift.get('tB')?.state, 'error');
  // Drifted under enforce: stays drifted, so the hub puts the (valid) desired value back.
  const enforced = evaluateDevice(
    desired,
    4,
    report({ settings: { ...report().settings, 'ssh.enabled': 9 }, invalid: invalid(['ssh.enabled']) }),
    null,
  );
  assert.equal(enforced.get('tA')?.state, 'drifted');
  // Unmanaged keys do not touch compliance; pending and a malformed report keep precedence.
  assert.deepEqual(
    [...evaluateDevice(desired, 4, report({ invalid: invalid(['vendor.x']) }), null).values()].map((v) => v.state),
    ['compliant', 'compliant'],
  );
  assert.equal(
    evaluateDevice(desired, 5, report({ invalid: invalid(['log.level']) }), null).get('tB')?.state,
    'pending',
  );
  assert.equal(
    evaluateDevice(desired, 4, report({ invalid: invalid(['log.level']) }), 'malformed').get('tB')?.reason,
    'malformed',
  );
});

it('writes CSV that spreadsheets read as data', () => {
  assert.equal(
    tableCsv(
      ['a', 'b'],
      [
        ['=cmd()', 'x,"y"'],
        [null, ['p', 'q']],
        [-2, '-2+3'],
      ],
    ),
    'a,b\r\n\'=cmd(),"x,""y"""\r\n,p q\r\n-2,\'-2+3\r\n',
  );
});
