import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions, UsageError } from './argv.js';
import { RUN_OPTIONS, runOptionsFrom } from './run-flags.js';
import { splitCommandLine } from './command-words.js';

const runOptions = (...argv: string[]) => runOptionsFrom(parseOptions(argv, RUN_OPTIONS));
const usage = (pattern: RegExp) => (e: unknown) => e instanceof UsageError && pattern.test(e.message);

describe('agent run options', () => {
  it('has the defaults a gateway runs with', () => {
    const o = runOptions();
    assert.equal(o.dir, '/var/lib/outpost-agent');
    assert.deepEqual([o.model, o.firmware, o.healthIntervalS, o.flowsIntervalS], ['linux-gateway', '1.0.0', 30, 60]);
    assert.deepEqual(o.guards, []);
    assert.deepEqual(o.access, { localTcp: 'any', allowHosts: [], serial: {} });
    assert.deepEqual(o.updates, {
      installer: 'ab-simulated',
      installCommand: undefined,
      commitCommand: undefined,
      rollbackCommand: undefined,
      versionCommand: undefined,
      healthCommand: undefined,
      maxBytesPerSec: undefined,
    });
    assert.equal(o.settingsCommand, undefined);
  });

  it('keeps the words of a command option together and repeats repeatable ones', () => {
    const o = runOptions(
      '--reboot-command',
      'systemctl',
      'reboot',
      '--guard',
      'modbus-tcp:127.0.0.1:1502=10.0.0.5:502',
      '--guard=dnp3-tcp:127.0.0.1:20001=10.0.0.6:20000',
      '--update-installer',
      'script',
      '--update-install-cmd',
      'rauc',
      'install',
      '--access-host',
      '10.0.0.5:80',
      '--access-host',
      '10.0.0.6:22',
      '--access-serial',
      'rs485=/dev/ttyS1@9600',
      '--access-ports',
      '22, 502',
      '--health-interval',
      '5',
      '--flows-interval',
      '0',
    );
    assert.deepEqual(o.rebootCommand, ['systemctl', 'reboot']);
    assert.deepEqual(
      o.guards?.map((g) => g.kind),
      ['modbus-tcp', 'dnp3-tcp'],
    );
    assert.deepEqual(o.access, {
      localTcp: [22, 502],
      allowHosts: ['10.0.0.5:80', '10.0.0.6:22'],
      serial: { rs485: { path: '/dev/ttyS1', baud: 9600 } },
    });
    assert.ok(o.updates);
    assert.equal(o.updates.installer, 'script');
    assert.deepEqual(o.updates.installCommand, ['rauc', 'install']);
    assert.deepEqual([o.healthIntervalS, o.flowsIntervalS], [5, 0]);
  });

  it('turns features off with their --no- forms', () => {
    const o = runOptions('--no-access', '--no-updates');
    assert.equal(o.access, false);
    assert.equal(o.updates, false);
  });

  it('refuses bad input with the option it concerns', () => {
    assert.throws(() => runOptions('--nope'), usage(/Unknown option '--nope'/));
    assert.throws(() => runOptions('stray'), usage(/Unexpected argument 'stray'/));
    assert.throws(() => runOptions('--dir'), usage(/--dir <value>' argument missing/));
    assert.throws(
      () => runOptions('--reboot-command', '--no-access'),
      usage(/--reboot-command <words...>' argument missing/),
    );
    assert.throws(
      () => runOptions('--health-interval', 'soon'),
      usage(/--health-interval expects a whole number from 1/),
    );
    assert.throws(() => runOptions('--health-interval', '0'), usage(/--health-interval/));
    assert.throws(() => runOptions('--access-ports', '22,99999'), usage(/--access-ports expects port numbers/));
    assert.throws(() => runOptions('--access-serial', 'x'), usage(/--access-serial expects name=path/));
    assert.throws(() => runOptions('--guard', 'modbus-tcp:nowhere'), usage(/guard/));
    assert.throws(() => runOptions('--update-installer', 'rpm'), usage(/ab-simulated or script, got "rpm"/));
    assert.throws(() => runOptions('--update-max-rate', '-1'), usage(/--update-max-rate/));
  });

  it('reads a local guard policy file and refuses an invalid one naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-flags-'));
    try {
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ mode: 'sometimes' }));
      assert.throws(() => runOptions('--guard-policy', bad), usage(new RegExp(`${bad}: `)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('agent settings command options', () => {
  it('split on spaces, with quotes keeping spaces in a word and nothing expanded', () => {
    assert.deepEqual(splitCommandLine('  /usr/sbin/vendor-cfg  show --json '), [
      '/usr/sbin/vendor-cfg',
      'show',
      '--json',
    ]);
    assert.deepEqual(splitCommandLine(`/opt/x "a b" 'c "d"' e''f $HOME`), ['/opt/x', 'a b', 'c "d"', 'ef', '$HOME']);
    assert.deepEqual(splitCommandLine(`run ''`), ['run', '']);
    assert.throws(() => splitCommandLine(`run 'open`), /unclosed '/);
  });

  it('go together and replace the settings file', () => {
    assert.deepEqual(
      runOptions('--settings-read-command', 'cfg show', '--settings-write-command', 'cfg apply -').settingsCommand,
      {
        read: ['cfg', 'show'],
        write: ['cfg', 'apply', '-'],
      },
    );
    assert.throws(() => runOptions('--settings-read-command', 'cfg show'), usage(/go together/));
    assert.throws(() => runOptions('--settings-write-command', 'cfg apply'), usage(/go together/));
    assert.throws(
      () =>
        runOptions('--settings-read-command', 'a', '--settings-write-command', 'b', '--settings-file', '/etc/s.json'),
      usage(/cannot be used/),
    );
    assert.throws(
      () => runOptions('--settings-read-command', ' ', '--settings-write-command', 'b'),
      usage(/must not be empty/),
    );
    assert.throws(
      () => runOptions('--settings-read-command', "'x", '--settings-write-command', 'b'),
      usage(/unclosed '/),
    );
  });
});
