import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { argvFor, parseDiagnostics } from './diag-spec.js';
import { createDiagnosticsFeature, DIAG_COMMAND, fitResult } from './diagnostics.feature.js';
import type { FeatureContext } from '../core/feature.js';

const refusedWith = (code: string) => (e: unknown) => (e as { code?: string }).code === code;

describe('diagnostic declarations', () => {
  it('splits the command once into a fixed argv with limits', () => {
    const [d] = parseDiagnostics(['modem[timeout=5,output=2048]=/usr/bin/mmcli -m 0 -J']);
    assert.deepEqual(d, {
      name: 'modem',
      argv: ['/usr/bin/mmcli', '-m', '0', '-J'],
      timeoutMs: 5000,
      maxOutputBytes: 2048,
    });
  });
  it('puts the parameter in as exactly one argv element', () => {
    const [d] = parseDiagnostics(['ping-host=/bin/ping -c 3 {param}'], ['ping-host=^[a-z0-9.-]{1,64}$']);
    assert.deepEqual(argvFor(d, 'a b; rm -rf /'), ['/bin/ping', '-c', '3', 'a b; rm -rf /']);
  });
  it('refuses declarations that could be misread', () => {
    const cases: Array<[string[], string[], RegExp]> = [
      [['x=ip addr'], [], /absolute path/],
      [['x=/bin/ping {param}'], [], /declare its --diag-param/],
      [['x=/bin/echo pre{param}'], ['x=^a$'], /stand alone/],
      [['X=/bin/true'], [], /name\[options\]=command/],
      [['x=/bin/true', 'x=/bin/false'], [], /twice/],
      [['x=/bin/true'], ['x=^a$'], /has no --diag using \{param\}/],
      [['x=/bin/echo {param}'], ['x=[a-z]+'], /anchored/],
      [['x[timeout=0]=/bin/true'], [], /timeout must be/],
      [['x[output=999999999]=/bin/true'], [], /output must be/],
    ];
    for (const [d, p, msg] of cases) assert.throws(() => parseDiagnostics(d, p), msg);
  });
});

describe('the diagnostics feature', () => {
  const ctx = {} as FeatureContext;
  const specs = parseDiagnostics(['echo=/bin/echo {param}', 'plain=/bin/true'], ['echo=^[a-z]{1,8}$']);
  const run = createDiagnosticsFeature(specs).commands![DIAG_COMMAND];

  it('declares names, never commands', () => {
    assert.deepEqual(createDiagnosticsFeature(specs).capabilities!(), ['diag:echo', 'diag:plain']);
  });
  it('refuses what is not declared, a bad parameter and a parameter nobody asked for', async () => {
    await assert.rejects(run({ name: 'rm' }, ctx), refusedWith('diag_not_declared'));
    await assert.rejects(run({ name: 'echo', param: 'x; reboot' }, ctx), refusedWith('diag_param_invalid'));
    await assert.rejects(run({ name: 'echo' }, ctx), refusedWith('diag_param_invalid'));
    await assert.rejects(run({ name: 'plain', param: 'a' }, ctx), refusedWith('diag_param_not_allowed'));
  });
  it('trims an answer whose escaping would pass the result cap', () => {
    const r = fitResult({
      name: 'x',
      status: 'ok',
      exitCode: 0,
      stdout: '\u0001'.repeat(256 * 1024),
      stderr: '',
      truncated: false,
      durationMs: 1,
    });
    assert.equal(r.truncated, true);
    assert.ok(Buffer.byteLength(JSON.stringify(r)) < 1024 * 1024);
  });
});
