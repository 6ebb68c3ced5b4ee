import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceConfigView } from '@outpost/protocol';
import { printDeviceConfig } from '../src/configs.commands.js';

function render(view: DeviceConfigView): string {
  const out: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void out.push(a.map(String).join(' '));
  try {
    printDeviceConfig(view.deviceId, view);
  } finally {
    console.log = log;
  }
  return out.join('\n');
}

const source = { kind: 'template' as const, template: 'base', version: 2, priority: 10, policy: 'report' as const };
const view: DeviceConfigView = {
  deviceId: 'gw-7',
  desiredVersion: 3,
  reportedVersion: 3,
  reportedAt: '2026-01-01T00:00:00.000Z',
  maintenanceUntil: null,
  state: 'error',
  entries: [
    { key: 'logging.level', desired: 'info', actual: 'info', secret: false, source, overridden: [], status: 'error' },
    {
      key: 'ssh.port',
      desired: 22,
      actual: 70000,
      secret: false,
      source,
      overridden: [],
      status: 'error',
      invalid: 'must be <= 65535',
    },
  ],
  files: [],
  templates: [],
  unmanaged: { 'snmp.community': { $secret: true } },
  invalid: [
    { key: 'ssh.port', path: '/settings/ssh.port', message: 'must be <= 65535' },
    { key: 'snmp.community', path: '/settings/snmp.community', message: 'must match pattern "^[a-z]{4,12}$"' },
  ],
  invalidCount: 3,
  precedence: 'device override > higher-priority template > lower-priority template',
};

it('outpost config show marks invalid reported values on their row and lists them all with path and problem', () => {
  const text = render(view);
  assert.match(text.split('\n')[0], /^gw-7: error; .*; 3 reported value\(s\) INVALID$/);
  assert.match(text, /^KEY +DESIRED +ACTUAL +STATUS +INVALID +SOURCE/m);
  assert.match(text, /^ssh\.port +22 +70000 +error +must be <= 65535 +base@2/m);
  assert.match(text, /^logging\.level +info +info +error +base@2/m);
  assert.match(text, /invalid reported values \(3, by the model's settings schema\):/);
  assert.match(text, /^snmp\.community +\/settings\/snmp\.community +must match pattern/m);
  assert.match(text, /… and 1 more/);
  // Nothing invalid: no extra column, no list.
  const clean = render({
    ...view,
    state: 'compliant',
    entries: view.entries.map(({ invalid: _i, ...e }) => e),
    invalid: [],
    invalidCount: 0,
  });
  assert.doesNotMatch(clean, /INVALID|invalid reported/);
});
