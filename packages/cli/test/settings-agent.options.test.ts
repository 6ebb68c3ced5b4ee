import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { settingsCommandFromFlags, splitCommandLine } from '../src/settings-agent.options.js';

describe('outpost agent run settings command flags', () => {
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
    assert.equal(settingsCommandFromFlags({}), undefined);
    assert.deepEqual(
      settingsCommandFromFlags({ settingsReadCommand: 'cfg show', settingsWriteCommand: 'cfg apply -' }),
      { read: ['cfg', 'show'], write: ['cfg', 'apply', '-'] },
    );
    assert.throws(() => settingsCommandFromFlags({ settingsReadCommand: 'cfg show' }), /go together/);
    assert.throws(() => settingsCommandFromFlags({ settingsWriteCommand: 'cfg apply' }), /go together/);
    assert.throws(
      () =>
        settingsCommandFromFlags({ settingsReadCommand: 'a', settingsWriteCommand: 'b', settingsFile: '/etc/s.json' }),
      /cannot be used/,
    );
    assert.throws(
      () => settingsCommandFromFlags({ settingsReadCommand: ' ', settingsWriteCommand: 'b' }),
      /must not be empty/,
    );
  });
});
