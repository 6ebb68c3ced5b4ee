import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as tcpConnect, type AddressInfo, type Socket } from 'node:net';
import { connect as tlsConnect, createServer } from 'node:tls';
import { test } from 'node:test';
import { gateHandshakes } from '../src/mqtt/handshake-gate.js';
import { throwawayPki } from './support/throwaway-pki.js';

/** A TLS server behind a gate of one handshake at a time; counts what reaches each side of the gate. */
async function gatedServer() {
  const pki = await throwawayPki('handshake-gate');
  const tls = createServer({ key: pki.serverKeyPem, cert: pki.serverCertPem });
  let handshaking = 0;
  tls.on('connection', () => handshaking++);
  const accepted: Socket[] = [];
  const gate = gateHandshakes(tls, 1, (raw) => {
    accepted.push(raw);
    gate.emit('accepted', accepted.length);
    return true;
  });
  gate.listen(0, '127.0.0.1');
  await once(gate, 'listening');
  const port = (gate.address() as AddressInfo).port;
  const dialTls = () => tlsConnect({ port, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost' });
  const accepting = async (n: number) => {
    while (accepted.length < n) await once(gate, 'accepted');
  };
  return { gate, port, dialTls, accepting, handshaking: () => handshaking, accepted };
}

test('a connection waits, unread, while the handshakes allowed are running, and starts when one ends', async () => {
  const s = await gatedServer();
  // A peer that connects and says nothing holds the only handshake.
  const silent = tcpConnect(s.port, '127.0.0.1');
  await s.accepting(1);
  const device = s.dialTls();
  let secure = false;
  device.once('secureConnect', () => (secure = true));
  await s.accepting(2);
  assert.equal(s.handshaking(), 1, 'the second connection must not reach the TLS server yet');
  assert.equal(secure, false);
  silent.destroy();
  await once(device, 'secureConnect');
  assert.equal(s.handshaking(), 2);
  device.destroy();
  s.gate.close();
});

test('a failed handshake frees its turn', async () => {
  const s = await gatedServer();
  const garbage = tcpConnect(s.port, '127.0.0.1');
  await s.accepting(1);
  const device = s.dialTls();
  await s.accepting(2);
  assert.equal(s.handshaking(), 1);
  // Not a TLS record: the server fails this handshake, and the waiting connection goes on.
  garbage.write('GET / HTTP/1.1\r\n\r\n');
  await once(device, 'secureConnect');
  assert.equal(s.handshaking(), 2);
  device.destroy();
  garbage.destroy();
  s.gate.close();
});
