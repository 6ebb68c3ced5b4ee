// A Modbus TCP guard in a process of its own, for the flood test: prints its port, then its
// session and overload events and samples of the bytes it holds, one JSON line each.
// argv: the upstream (PLC) port.
import { createModbusTcpProxy } from './modbus-tcp.proxy.js';

const upstreamPort = Number(process.argv[2]);
const proxy = await createModbusTcpProxy({
  listen: { host: '127.0.0.1', port: 0 },
  upstream: { host: '127.0.0.1', port: upstreamPort },
  policy: {
    mode: 'enforce',
    allowedClasses: ['read', 'write'],
    allowedUnits: [1],
    readOnly: false,
    onViolation: 'exception',
    version: 1,
  },
  deviceId: 'plc-flood',
  onEvent: (e) => {
    if (e.type === 'guard.session' || e.type === 'guard.overload') process.stdout.write(`${JSON.stringify(e)}\n`);
  },
});
process.stdout.write(`${proxy.address.port}\n`);
// The bytes the guard holds for its peers, sampled every 50 ms.
setInterval(() => process.stdout.write(`${JSON.stringify({ type: 'buffered', bytes: proxy.buffered() })}\n`), 50);
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => {
  void proxy.close().then(() => process.exit(0));
});
