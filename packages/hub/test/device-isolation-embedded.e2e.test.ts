import { deviceIsolationSuite, EMBEDDED } from './support/isolation-suite.js';

// The device isolation suite on the hub's embedded broker (aedes, mutual TLS).
deviceIsolationSuite(EMBEDDED);
