/* global process, Buffer, console */
// The floor for a device connection: a Node TLS server that checks the client certificate against
// the hub's CA and answers an MQTT CONNECT with a CONNACK, nothing else. Prints its port. Like the
// hub's broker by default, it issues no TLS session tickets (each held ticket state costs about 15 KB).
import { constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:tls';

const [caFile, certFile, keyFile] = process.argv.slice(2);
const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);
const server = createServer(
  {
    ca: readFileSync(caFile),
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    requestCert: true,
    rejectUnauthorized: true,
    secureOptions: constants.SSL_OP_NO_TICKET,
  },
  (socket) => {
    socket.once('data', () => socket.write(CONNACK));
    socket.on('error', () => socket.destroy());
  },
);
server.listen(0, '127.0.0.1', () => console.log(`port ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
