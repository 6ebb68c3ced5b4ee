import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDataDevice, type DataDevice } from './support/data-device.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { MOSQUITTO, startTestMosquitto, type TestMosquitto } from './support/mosquitto.js';
import { startSparkplugHost, type SparkplugHost } from './support/sparkplug-host.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';
import { throwawayPki } from './support/throwaway-pki.js';

// The Sparkplug B edge node on a Mosquitto that speaks only TLS and asks every client for a
// certificate from its CA (a throwaway one): the host application, over TLS itself, sees the
// births and data; an edge node given the wrong CA refuses the broker, one without a client
// certificate is refused by it, and the hub says why.

const GROUP = 'plant-tls';
const NODE = 'outpost-tls';

describe(
  'Sparkplug B edge node over TLS with client certificates',
  { skip: MOSQUITTO ? undefined : 'no mosquitto' },
  () => {
    let broker: TestMosquitto;
    let host: SparkplugHost;
    let t: TestHub | undefined;
    let dev: EnrolledDevice;
    let device: DataDevice | undefined;
    const dir = mkdtempSync(join(tmpdir(), 'outpost-sparkplug-tls-hub-'));
    const files = mkdtempSync(join(tmpdir(), 'outpost-sparkplug-tls-files-'));
    const file = (name: string, pem: string) => {
      writeFileSync(join(files, name), pem, { mode: 0o600 });
      return join(files, name);
    };
    const sparkplug = (caFile: string, clientCertificate = true) => ({
      sparkplug: {
        enabled: true,
        brokerUrl: broker.url,
        groupId: GROUP,
        edgeNodeId: NODE,
        caFile,
        ...(clientCertificate ? { certFile: join(files, 'edge.crt'), keyFile: join(files, 'edge.key') } : {}),
        reconnectMs: 500,
      },
    });
    /** Stops the hub and starts it again with other Sparkplug settings; resolves once it reports failing. */
    const restartFailing = async (config: ReturnType<typeof sparkplug>) => {
      await t!.stop();
      t = await startTestHub(config, dir);
      await t.hub.domains.sharing.ready();
      return eventually(() => {
        const s = t!.hub.domains.sharing.sparkplug();
        return s?.state === 'failing' && s.failures >= 2 ? s : null;
      }, 30_000);
    };

    before(async () => {
      const pki = await throwawayPki('scada-broker');
      const edge = await pki.issueClient('outpost-edge');
      const scada = await pki.issueClient('scada-host');
      file('ca.pem', pki.caPem);
      file('edge.crt', edge.certPem);
      file('edge.key', edge.keyPem);
      file('wrong-ca.pem', (await throwawayPki('someone-else')).caPem);
      broker = await startTestMosquitto({
        tls: { certPem: pki.serverCertPem, keyPem: pki.serverKeyPem, clientCaPem: pki.caPem },
      });
      assert.match(broker.url, /^mqtts:/);
      host = startSparkplugHost(broker.url, GROUP, { ca: pki.caPem, cert: scada.certPem, key: scada.keyPem });
      await host.ready;
    });
    after(async () => {
      device?.close();
      await t?.stop();
      host?.c.end(true);
      await broker?.stop();
      if (dev) rmSync(dev.dir, { recursive: true, force: true });
      for (const d of [dir, files]) rmSync(d, { recursive: true, force: true });
      rmSync(`${dir}.kek`, { force: true });
    });

    it('connects with the broker’s CA and its client certificate; the host sees NBIRTH, DBIRTH and DDATA over TLS', async () => {
      t = await startTestHub(sparkplug(join(files, 'ca.pem')), dir);
      await t.hub.domains.sharing.ready();
      const nbirth = await eventually(() => host.of('NBIRTH')[0], 30_000);
      assert.deepEqual(
        (nbirth.payload.metrics ?? []).map((m) => m.name),
        ['bdSeq', 'Node Control/Rebirth'],
      );
      dev = await enrollTestDevice(t, 'tls-station-1');
      device = await startDataDevice(t, dev);
      const now = Date.now();
      await device.publish(
        [{ p: 'tank_level', v: 41.5, t: now }],
        [{ p: 'tank_level', type: 'number', unit: '%', description: 'Tank level' }],
      );
      const dbirth = await eventually(
        () =>
          host.of('DBIRTH').find((s) => s.device === dev.id && (s.payload.metrics ?? []).some((m) => m.value === 41.5)),
        30_000,
      );
      assert.equal(dbirth.payload.metrics![0]!.properties?.Quality?.value, 192);
      await device.publish([{ p: 'tank_level', v: 43, t: now + 1000 }]);
      await eventually(() => host.values.get(`${dev.id}/tank_level`)?.value === 43, 30_000);
      assert.ok(host.of('DDATA').some((s) => s.device === dev.id));
      const status = t.hub.domains.sharing.sparkplug();
      assert.deepEqual(
        [status?.connected, status?.state, status?.lastError, status?.failures],
        [true, 'connected', null, 0],
      );
    });

    it('refuses a broker its CA does not vouch for, and the hub reports the sink failing with the reason', async () => {
      device?.close();
      device = undefined;
      const births = host.of('NBIRTH').length;
      const failing = await restartFailing(sparkplug(join(files, 'wrong-ca.pem')));
      assert.ok(host.of('NDEATH').length > 0, 'the clean stop said NDEATH');
      console.log(`  wrong CA → ${failing.failures} failed attempts: ${failing.lastError}`);
      assert.equal(failing.connected, false);
      assert.match(
        failing.lastError ?? '',
        /self-signed certificate in certificate chain|unable to verify the first certificate|unable to get local issuer certificate/,
      );
      assert.equal(host.of('NBIRTH').length, births, 'nothing was published through the untrusted broker');
    });

    it('is refused by the broker without a client certificate, and reports failing', async () => {
      const births = host.of('NBIRTH').length;
      const failing = await restartFailing(sparkplug(join(files, 'ca.pem'), false));
      console.log(`  no client certificate → ${failing.failures} failed attempts: ${failing.lastError}`);
      assert.match(failing.lastError ?? '', /alert certificate required/);
      assert.equal(host.of('NBIRTH').length, births);
    });
  },
);
