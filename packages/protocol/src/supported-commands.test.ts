import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { supportedCommandsOf } from './supported-commands.js';

describe('supportedCommandsOf', () => {
  it('keeps the command names of a hello and leaves the flags out', () => {
    const caps = [
      'ping',
      'reboot',
      'get-info',
      'config.get',
      'feature:settings',
      'update-root:3',
      'data',
      'data.write',
      'diag:ping',
      'ping',
    ];
    assert.deepEqual(
      supportedCommandsOf(caps).map((c) => c.name),
      ['ping', 'reboot', 'get-info', 'config.get', 'data.write'],
    );
  });
  it('describes the built-in commands and leaves a feature command undescribed', () => {
    const [reboot, custom] = supportedCommandsOf(['reboot', 'vendor.flash']);
    assert.match(reboot.description ?? '', /Restarts the device/);
    assert.equal(custom.description, null);
  });
  it('announces nothing for a hello without commands', () => {
    assert.deepEqual(supportedCommandsOf(['feature:guard', 'Upper', '']), []);
  });
});
