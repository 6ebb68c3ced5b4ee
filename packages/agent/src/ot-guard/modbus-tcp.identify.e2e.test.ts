import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldDeviceIdentity, GuardEvent, GuardIdentifyEvent, GuardPolicy } from '@outpost/guard';
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';
import type { GuardProxy, IdentityOrigin } from './ot-guard.types.js';
import { plcRequests, pymodbusMissing, readHolding, startPlc, type Peer } from './ot-guard.fixture.js';

// A pymodbus PLC that answers Read Device Identification and logs every request it answers,
// behind the Modbus TCP guard. With `identify` off the guard never sends FC 43 of its own, however
// idle the line; turned on, it asks the PLC itself (no master ever sends FC 43) and learns
// vendor, product and firmware, while masters' reads go on as before.

const skip = pymodbusMissing();
const monitor: GuardPolicy = {
  mode: 'enforce',
  allowedClasses: ['read'],
  readOnly: true,
  onViolation: 'exception',
  version: 1,
};
const identifyOn: GuardPolicy = {
  ...monitor,
  version: 2,
  identify: { enabled: true, unitIds: [1], intervalS: 3600, timeoutMs: 2000 },
};

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Modbus TCP guard asks a pymodbus PLC for its identity only when the policy says so', { skip }, () => {
  let plc: Peer;
  let plcPort = 0;
  let proxy: GuardProxy;
  let dir = '';
  let log = '';
  const events: GuardEvent[] = [];
  const seen: Array<{ unit: number; identity: FieldDeviceIdentity; origin?: IdentityOrigin }> = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-identify-'));
    log = join(dir, 'requests.log');
    plc = await startPlc(
      'tcp',
      '',
      19200,
      { VendorName: 'Acme Controls', ProductCode: 'AC-500', MajorMinorRevision: '1.2.0', ProductName: 'Acme PLC 500' },
      log,
    );
    plcPort = Number(plc.ready);
    proxy = await createModbusTcpProxy({
      listen: { host: '127.0.0.1', port: 0 },
      upstream: { host: '127.0.0.1', port: plcPort },
      policy: monitor,
      deviceId: 'gw-1',
      onEvent: (e) => events.push(e),
      onIdentity: (_p, unit, identity, origin) => void seen.push({ unit, identity, origin }),
    });
  });

  after(async () => {
    await proxy?.close();
    plc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('off (the default): the guard sends nothing of its own, however long the line is idle', async () => {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await readHolding(proxy.address.port, 0, 2), [100, 101]);
      // Longer than the guard's idle threshold (500 ms) and several scheduler ticks.
      await new Promise((r) => setTimeout(r, 800));
    }
    assert.deepEqual(plcRequests(log), [3, 3, 3], 'the PLC answered the three reads and nothing else');
    assert.equal(events.filter((e) => e.type === 'guard.identify').length, 0);
    assert.equal(seen.length, 0);
  });

  test('on: the guard asks the PLC itself on its own connection and learns who it is', async () => {
    proxy.setPolicy(identifyOn);
    const got = await waitFor('an active identity', () => seen.find((s) => s.origin?.source === 'active'));
    assert.equal(got.unit, 1);
    assert.deepEqual(got.origin, { source: 'active', interface: `tcp:127.0.0.1:${plcPort}` });
    assert.equal(got.identity.vendor, 'Acme Controls');
    assert.equal(got.identity.productCode, 'AC-500');
    assert.equal(got.identity.revision, '1.2.0');
    assert.equal(got.identity.productName, 'Acme PLC 500');
    const asked = events.filter((e): e is GuardIdentifyEvent => e.type === 'guard.identify');
    assert.deepEqual(
      asked.map((e) => [e.address, e.query, e.outcome, e.interface]),
      [[1, 'modbus fc43/14 code 2 object 0', 'identified', `tcp:127.0.0.1:${plcPort}`]],
    );
    assert.ok(plcRequests(log).includes(43), String(plcRequests(log)));
    // No master connection carried it: the guard's statistics hold only the masters' sessions.
    const sessions = events.filter((e) => e.type === 'guard.session');
    assert.equal(sessions.length, 3);
    assert.ok(sessions.every((s) => s.type === 'guard.session' && s.requests.read === 1));
  });

  test('masters are served as before, and the PLC is not asked again within the interval', async () => {
    const before = plcRequests(log).filter((fc) => fc === 43).length;
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(await readHolding(proxy.address.port, 4, 1), [104]);
      await new Promise((r) => setTimeout(r, 700));
    }
    assert.equal(plcRequests(log).filter((fc) => fc === 43).length, before);
  });
});
