import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSnapshot } from '../../devices/index.js';
import type { LoadContext } from './rule-type.js';
import { fieldFirmwareRule, type FieldDeviceRecordLite, type FieldFirmwareSource } from './field-firmware.rule.js';

const plc = (deviceId: string, address: number, revision: string): FieldDeviceRecordLite => ({
  deviceId,
  target: 'modbus-tcp 0.0.0.0:502',
  protocol: 'modbus',
  address,
  vendor: 'Acme',
  product: 'AC-500',
  revision,
});

test('field_firmware: parameters are checked, the query asks for the scope, the alert names the devices', async () => {
  const asked: Array<Parameters<FieldFirmwareSource['olderThan']>[0]> = [];
  const rows = [plc('gw-1', 1, '1.2'), ...Array.from({ length: 6 }, (_, i) => plc('gw-2', i, '0.9'))];
  const rule = fieldFirmwareRule({
    olderThan: async (q) => {
      asked.push(q);
      return rows;
    },
  });
  assert.throws(() => rule.parse({}), /params\.minVersion must be a non-empty string/);
  assert.throws(() => rule.parse({ minVersion: '2 or 1' }), /params\.minVersion has an invalid value/);
  assert.throws(() => rule.parse({ minVersion: '2', firmware: 'x' }), /params\.firmware is not a parameter/);
  assert.deepEqual(rule.parse({ minVersion: 3 }), { minVersion: '3' });
  const p = rule.parse({ minVersion: '2.0', vendor: 'Acme' });
  assert.deepEqual(p, { minVersion: '2.0', vendor: 'Acme' });

  const devices = ['gw-1', 'gw-2', 'gw-3'].map((id) => ({ id }) as DeviceSnapshot);
  const loaded = await rule.load!({ now: 0, devices } as unknown as LoadContext, p);
  assert.deepEqual(asked, [
    { below: '2.0', vendor: 'Acme', product: undefined, deviceIn: ['gw-1', 'gw-2', 'gw-3'], limit: 50_000 },
  ]);

  const one = rule.evaluate(devices[0], p, loaded, 0);
  assert.deepEqual(one, {
    status: 'breach',
    value: 1,
    text: '1 field device(s) below firmware 2.0: Acme AC-500 at modbus-tcp 0.0.0.0:502 unit 1 runs 1.2',
  });
  const many = rule.evaluate(devices[1], p, loaded, 0);
  assert.equal(many.status, 'breach');
  assert.match(many.status === 'breach' ? many.text : '', /^6 field device\(s\).* and 1 more$/);
  assert.equal(rule.evaluate(devices[2], p, loaded, 0).status, 'ok');
});
