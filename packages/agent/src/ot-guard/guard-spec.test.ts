import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guardName, parseGuardSpec } from './guard-spec.js';

test('TCP guards: listen and upstream addresses, IPv6 in brackets', () => {
  assert.deepEqual(parseGuardSpec('modbus-tcp:127.0.0.1:1502=10.0.0.5:502'), {
    kind: 'modbus-tcp',
    listen: { host: '127.0.0.1', port: 1502 },
    upstream: { host: '10.0.0.5', port: 502 },
  });
  const d = parseGuardSpec('dnp3-tcp:[::1]:20001=plc.local:20000');
  assert.deepEqual(d, {
    kind: 'dnp3-tcp',
    listen: { host: '::1', port: 20001 },
    upstream: { host: 'plc.local', port: 20000 },
  });
  assert.equal(guardName(d), 'dnp3-tcp [::1]:20001');
  const m = parseGuardSpec('mms-tcp:127.0.0.1:10102=10.61.0.20:102');
  assert.deepEqual(m, {
    kind: 'mms-tcp',
    listen: { host: '127.0.0.1', port: 10102 },
    upstream: { host: '10.61.0.20', port: 102 },
  });
  assert.equal(guardName(m), 'mms-tcp 127.0.0.1:10102');
});

test('serial guards: paths, baud rate defaulting to 19200', () => {
  assert.deepEqual(parseGuardSpec('modbus-rtu:/dev/ttyS1=/dev/ttyS2@9600'), {
    kind: 'modbus-rtu',
    master: '/dev/ttyS1',
    device: '/dev/ttyS2',
    baudRate: 9600,
  });
  assert.equal((parseGuardSpec('modbus-rtu:/dev/ttyS1=/dev/ttyUSB0') as { baudRate: number }).baudRate, 19200);
  const dnp3 = parseGuardSpec('dnp3-serial:/dev/ttyS5=/dev/ttyUSB1');
  assert.deepEqual(dnp3, { kind: 'dnp3-serial', master: '/dev/ttyS5', device: '/dev/ttyUSB1' });
  assert.equal(guardName(dnp3), 'dnp3-serial /dev/ttyS5');
  assert.throws(
    () => parseGuardSpec('dnp3-serial:/dev/ttyS5=ttyUSB1'),
    /outstation side "ttyUSB1" must be an absolute/,
  );
  assert.deepEqual(parseGuardSpec('console:/dev/ttyS3=/dev/ttyS4'), {
    kind: 'console',
    terminal: '/dev/ttyS3',
    device: '/dev/ttyS4',
  });
});

test('mistakes are named', () => {
  const cases: Array<[string, RegExp]> = [
    ['modbus-tcp:1502=10.0.0.5:502', /listen address "1502" must be HOST:PORT/],
    ['modbus-tcp:127.0.0.1:70000=10.0.0.5:502', /port 70000 is out of range/],
    ['modbus-tcp:127.0.0.1:1502', /two sides separated by "="/],
    ['modbus-rtu:/dev/ttyS1=/dev/ttyS2@1234', /baud rate "1234"/],
    ['modbus-rtu:ttyS1=/dev/ttyS2', /master side "ttyS1" must be an absolute device path/],
    ['dnp3-tcp:[zz]:1=a:2', /not an IPv6 address/],
    ['bacnet:1=2', /unknown guard "bacnet"/],
  ];
  for (const [text, re] of cases) assert.throws(() => parseGuardSpec(text), re, text);
});
