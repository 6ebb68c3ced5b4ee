/* global process, console */
// One hop of the relay's floor: accepts a connection (TCP or TLS) and carries its bytes both ways to
// a connection it opens (TCP or TLS), with stream.pipe's backpressure and nothing else: no WebSocket,
// no framing, no streams multiplexed. Prints its port.
//   node tls-forwarder.mjs <tcp|tls> <tcp|tls> <to-port> <ca.pem> <cert.pem> <key.pem>
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';

const [accept, dial, toPort, caFile, certFile, keyFile] = process.argv.slice(2);
const ca = readFileSync(caFile);

const onConnection = (near) => {
  near.setNoDelay(true);
  const options = { host: '127.0.0.1', port: Number(toPort), allowHalfOpen: true };
  const far = dial === 'tls' ? tls.connect({ ...options, ca, servername: 'localhost' }) : net.connect(options);
  far.setNoDelay(true);
  near.pipe(far).on('error', () => near.destroy());
  far.pipe(near).on('error', () => far.destroy());
  near.on('error', () => far.destroy());
  far.on('close', () => near.destroy());
  near.on('close', () => far.destroy());
};
const server =
  accept === 'tls'
    ? tls.createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), allowHalfOpen: true }, onConnection)
    : net.createServer({ allowHalfOpen: true }, onConnection);
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
