import { describe } from 'node:test';
import { MOSQUITTO_BIN } from './support/mosquitto-broker.js';
import { deviceIsolationSuite, MOSQUITTO } from './support/isolation-suite.js';

// The same device isolation suite on Mosquitto 2 as `outpost hub broker-config` configures it.
if (MOSQUITTO_BIN) deviceIsolationSuite(MOSQUITTO);
else describe('device isolation on the mosquitto broker', { skip: 'mosquitto not installed' }, () => {});
