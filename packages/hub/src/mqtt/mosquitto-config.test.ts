import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEVICE_PUBLISH_SUFFIXES, HUB_PUBLISH_SUFFIXES } from '@outpost/protocol';
import { mosquittoAcl, mosquittoConfigFiles } from './mosquitto-config.js';

describe('generated Mosquitto configuration', () => {
  const files = mosquittoConfigFiles({
    dir: '/etc/outpost-broker',
    bind: '0.0.0.0',
    devicePort: 8883,
    backendPort: 8884,
  });

  it('lets each device write exactly its device-to-hub topics and read exactly its hub-to-device ones', () => {
    const lines = mosquittoAcl().split('\n');
    const writes = lines.filter((l) => l.startsWith('pattern write ')).map((l) => l.slice('pattern write '.length));
    const reads = lines.filter((l) => l.startsWith('pattern read ')).map((l) => l.slice('pattern read '.length));
    assert.deepEqual(
      writes,
      DEVICE_PUBLISH_SUFFIXES.map((s) => `outpost/v1/d/%u/${s}`),
    );
    assert.deepEqual(
      reads,
      HUB_PUBLISH_SUFFIXES.map((s) => `outpost/v1/d/%u/${s}`),
    );
    // No readwrite pattern, no wildcard in a device pattern: a device never reads what it may write.
    assert.ok(!lines.some((l) => l.startsWith('pattern readwrite') || (l.startsWith('pattern') && /[#+]/.test(l))));
  });

  it('ties device identity to the certificate and keeps the hub listener on its own CA', () => {
    const [devices, backend] = files['mosquitto.conf'].split(/\nlistener /).slice(1);
    assert.match(devices, /^8883 0\.0\.0\.0\n/);
    for (const line of [
      'require_certificate true',
      'use_identity_as_username true',
      'use_username_as_clientid true',
      'cafile /etc/outpost-broker/ca.crt',
      'crlfile /etc/outpost-broker/crl.pem',
    ])
      assert.ok(devices.split('\n').includes(line), line);
    assert.ok(backend.split('\n').includes('cafile /etc/outpost-broker/backend-ca.crt'));
    assert.ok(!backend.includes('use_username_as_clientid'), 'replicas choose their own client ids');
    assert.match(files['mosquitto.conf'], /\nallow_anonymous false\n/);
    assert.deepEqual(JSON.parse(files['dynsec.json']).clients, []);
  });
});
