import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { createKeyAndCsr, createMqttTransportFactory, type TransportFactory } from '@outpost/agent';
import { deviceTopic } from '@outpost/protocol';
import {
  transportContract,
  type BrokerMessage,
  type TransportBroker,
} from '../../agent/src/core/transport.contract.js';
import { slowLinkTransport } from '../../sim/src/slow-link.js';
import { loadOrCreateCa } from '../src/domains/pki/ca.js';

const DEVICE = 'dev-transport-1';
const dir = mkdtempSync(join(tmpdir(), 'outpost-transport-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// One CA, one broker certificate and one device identity for every test: issuing them is the slow part.
const pki = (async () => {
  const ca = await loadOrCreateCa({ dataDir: dir, kek: randomBytes(32) });
  const server = await ca.issueServerCert({ hostnames: ['localhost'], ips: ['127.0.0.1'] });
  const device = await createKeyAndCsr(DEVICE);
  const issued = await ca.signDeviceCsr(device.csrPem, DEVICE);
  return { caPem: ca.certPem, server, device: { keyPem: device.privateKeyPem, certPem: issued.certPem } };
})();

/** A TLS MQTT broker asking for client certificates from the test CA, observed from inside. */
async function startBroker(wrap: (f: TransportFactory) => TransportFactory): Promise<TransportBroker> {
  const { caPem, server: cert, device } = await pki;
  const aedes = await Aedes.createBroker();
  const received: BrokerMessage[] = [];
  const clients = new Set<Client>();
  aedes.on('client', (c) => void clients.add(c));
  aedes.on('clientDisconnect', (c) => void clients.delete(c));
  aedes.on('publish', (packet, client) => {
    if (client && !packet.topic.startsWith('$SYS')) {
      received.push({
        topic: packet.topic,
        payload: Buffer.from(packet.payload).toString('utf8'),
        qos: packet.qos,
        retain: packet.retain,
      });
    }
  });
  const server: Server = createTlsServer(
    { key: cert.keyPem, cert: cert.certPem + caPem, ca: caPem, requestCert: true, rejectUnauthorized: true },
    (socket) => aedes.handle(socket),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtts://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const factory = wrap(
    createMqttTransportFactory({
      url,
      deviceId: DEVICE,
      keyPem: device.keyPem,
      certPem: device.certPem,
      caPem,
      connectTimeoutMs: 5000,
    }),
  );
  let closed = false;
  return {
    transport: factory,
    topic: (suffix) => deviceTopic(DEVICE, suffix as Parameters<typeof deviceTopic>[1]),
    received,
    publish: (topic, payload) =>
      new Promise((resolve, reject) => {
        const packet = {
          cmd: 'publish',
          topic,
          payload: Buffer.from(payload),
          qos: 1,
          retain: false,
          dup: false,
        } as PublishPacket;
        aedes.publish(packet, (err) => (err ? reject(err) : resolve()));
      }),
    async dropClients() {
      for (const c of clients) c.close();
    },
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

transportContract({ name: 'MQTT over mutual TLS', open: () => startBroker((f) => f) });
transportContract({
  name: "MQTT behind the simulator's slow link",
  open: () => startBroker((f) => slowLinkTransport(f, { latencyMs: 5, kbps: 0 })),
});
