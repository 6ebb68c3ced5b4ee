// A hub on an external broker takes every device's messages through one backend connection, and
// mqtt.js reads the next message only after the last one's PUBACK. A device's events are acknowledged
// only once stored, so if the hub handled one message at a time, every device on the broker would
// share one events message per group commit: 120 messages would take 120 commits one after another.
// Side by side they share a few, and are all stored well within the bound below.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deviceTopic } from '@outpost/protocol';
import { eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, rawClient, type EnrolledDevice } from './support/devices.js';
import { MOSQUITTO_BIN, startHubOnMosquitto } from './support/mosquitto-broker.js';

const skip = !MOSQUITTO_BIN && 'mosquitto not installed';
const FLUSH_MS = 5000;
const DEVICES = 12;
const PER_DEVICE = 10;

describe('a hub on Mosquitto handles many devices side by side', { skip }, () => {
  let t: TestHub;
  const devices: EnrolledDevice[] = [];
  before(async () => {
    ({ t } = await startHubOnMosquitto(1, { ingestFlushMs: FLUSH_MS }));
    for (let i = 0; i < DEVICES; i++) devices.push(await enrollTestDevice(t, `side-${i}`));
  });
  after(() => t?.stop());

  it('stores ten events messages of each of 12 devices in a few group commits, each once', async () => {
    const clients = await Promise.all(devices.map((d) => rawClient(t, d, d.id)));
    try {
      const sentAt = Date.now();
      await Promise.all(
        clients.map(async (c, i) => {
          for (let seq = 1; seq <= PER_DEVICE; seq++) {
            const events = [{ seq, ts: Date.now(), type: 'test.side', severity: 'info', data: { i } }];
            await c.publishAsync(deviceTopic(devices[i].id, 'events'), JSON.stringify({ v: 1, events }), { qos: 1 });
          }
        }),
      );
      const stored = () =>
        t.hub.db.selectFrom('device_events').select(['device_id', 'seq']).where('type', '=', 'test.side').execute();
      const rows = await eventually(async () => {
        const r = await stored();
        return r.length >= PER_DEVICE * DEVICES ? r : null;
      }, 3 * FLUSH_MS);
      console.log(
        `# ${rows.length} events messages of ${DEVICES} devices stored ${Date.now() - sentAt} ms after sending`,
      );
      assert.deepEqual(
        rows.map((r) => `${r.device_id}/${r.seq}`).sort(),
        devices.flatMap((d) => Array.from({ length: PER_DEVICE }, (_, i) => `${d.id}/${i + 1}`)).sort(),
      );
    } finally {
      for (const c of clients) c.end(true);
    }
  });
});
