import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGuardFeature, type Agent, type GuardFeature } from '@outpost/agent';
import type { OutpostClient } from '@outpost/client';
import { plcRequests, pymodbusMissing, startPlc, type Peer } from '../../agent/src/ot-guard/ot-guard.fixture.js';
import { startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';

// End to end: a pymodbus PLC behind a real agent's Modbus TCP guard, and no master at all. Until
// the operator enables `identify` in the gateway's signed policy the guard sends the PLC nothing;
// once enabled it asks the PLC for its identity itself and the hub lists vendor, product and
// firmware, marked as asked by the guard and with where the PLC sits.

const skip = pymodbusMissing();

describe('active field identification end to end: the hub learns a PLC no master ever asked', { skip }, () => {
  let t: TestHub;
  let viewer: OutpostClient;
  let operator: OutpostClient;
  let dev: EnrolledDevice;
  let plc: Peer;
  let feature: GuardFeature;
  let agent: Agent;
  let dir = '';
  let log = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-field-identify-'));
    log = join(dir, 'requests.log');
    t = await startTestHub();
    [viewer, operator] = await Promise.all([t.userClient('viewer'), t.userClient('operator')]);
    dev = await enrollTestDevice(t, 'field-gw-active');
    plc = await startPlc(
      'tcp',
      '',
      19200,
      { VendorName: 'Acme Controls', ProductCode: 'AC-700', MajorMinorRevision: '2.3.1', ProductName: 'Acme PLC 700' },
      log,
    );
    feature = createGuardFeature({
      guards: [
        {
          kind: 'modbus-tcp',
          listen: { host: '127.0.0.1', port: 0 },
          upstream: { host: '127.0.0.1', port: Number(plc.ready) },
        },
      ],
      tickMs: 100,
      assetReportMs: 200,
    });
    agent = startTestAgent(t, dev, { features: [feature] });
    await feature.ready();
    await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online');
  });

  after(async () => {
    await agent?.stop({ clean: true });
    plc?.stop();
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without identify in the policy the guard sends the PLC nothing', async () => {
    const p = await operator.guard.setDevicePolicy(dev.id, {
      mode: 'monitor',
      allowedClasses: ['read'],
      readOnly: true,
      onViolation: 'exception',
    });
    await eventually(() => feature.status().policy.version === p.version, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(plcRequests(log), []);
    assert.deepEqual((await viewer.guard.deviceFieldDevices(dev.id)).items, []);
  });

  it('a bad identify setting is refused with the path at fault and changes nothing', async () => {
    await assert.rejects(
      operator.guard.setDevicePolicy(dev.id, {
        mode: 'monitor',
        allowedClasses: ['read'],
        readOnly: true,
        onViolation: 'exception',
        identify: { enabled: true, unitIds: [1, 1] },
      }),
      (e: Error & { details?: { path?: string } }) =>
        e.message === '1 is listed twice' && e.details?.path === '/identify/unitIds/1',
    );
    await assert.rejects(
      operator.guard.setDevicePolicy(dev.id, {
        mode: 'monitor',
        allowedClasses: ['read'],
        readOnly: true,
        onViolation: 'exception',
        identify: { enabled: true, intervalS: 5 },
      }),
      (e: Error & { details?: { path?: string } }) =>
        /identify\/intervalS/.test(`${e.message} ${JSON.stringify(e.details)}`),
    );
  });

  it('enabled in the signed policy: the hub lists the PLC, asked by the guard, with where it sits', async () => {
    const p = await operator.guard.setDevicePolicy(dev.id, {
      mode: 'monitor',
      allowedClasses: ['read'],
      readOnly: true,
      onViolation: 'exception',
      identify: { enabled: true, unitIds: [1], intervalS: 3600, timeoutMs: 2000 },
    });
    await eventually(() => feature.status().policy.version === p.version, 20_000);
    const items = await eventually(async () => {
      const r = (await viewer.guard.deviceFieldDevices(dev.id)).items;
      return r.length === 1 ? r : null;
    }, 30_000);
    const [a] = items;
    assert.deepEqual(
      [a.vendor, a.product, a.revision, a.address, a.source, a.interface],
      ['Acme Controls', 'Acme PLC 700', '2.3.1', 1, 'active', `tcp:127.0.0.1:${plc.ready}`],
    );
    assert.ok(plcRequests(log).every((fc) => fc === 43) && plcRequests(log).length >= 1, String(plcRequests(log)));
    const active = await viewer.guard.fieldDevices({ source: 'active', interface: 'tcp:127.0.0.1' });
    assert.deepEqual(
      active.items.map((x) => x.deviceId),
      [dev.id],
    );
    assert.deepEqual((await viewer.guard.fieldDevices({ source: 'passive' })).items, []);
    // The query is on the gateway's record as a guard event.
    const seen = await eventually(async () => {
      const ev = await viewer.guard.events({ deviceId: dev.id, type: 'guard.identify' });
      return ev.items.length ? ev.items : null;
    }, 20_000);
    assert.equal(seen[0].data.query, 'modbus fc43/14 code 2 object 0');
    assert.equal(seen[0].data.outcome, 'identified');
  });
});
