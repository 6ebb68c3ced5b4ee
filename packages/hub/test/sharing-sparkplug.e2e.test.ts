import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDataDevice, type DataDevice } from './support/data-device.js';
import { enrollTestDevice, type EnrolledDevice } from './support/devices.js';
import { startTestMosquitto, type TestMosquitto } from './support/mosquitto.js';
import { num, sparkplugCodec, startSparkplugHost, type SparkplugHost } from './support/sparkplug-host.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

// A Sparkplug B host application (support/sparkplug-host.ts: the Eclipse Tahu payload codec and mqtt.js)
// watches the hub's edge node on a real Mosquitto: births, data with quality, a device's death
// the moment its link breaks (the host marks its metrics stale), the rebirth with current values
// on its return, `Node Control/Rebirth`, sequence numbers that wrap at 256 and bdSeq across restarts.

const codec = sparkplugCodec;
const GROUP = 'plant';
const NODE = 'outpost-test';

describe('Sparkplug B edge node on a real broker', () => {
  let broker: TestMosquitto;
  let host: SparkplugHost;
  let t: TestHub;
  let dev: EnrolledDevice;
  let device: DataDevice;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-sparkplug-hub-'));
  const config = () => ({
    deviceMessagesPerMinute: 600_000,
    deviceMessageBurst: 100_000,
    sparkplug: { enabled: true, brokerUrl: broker.url, groupId: GROUP, edgeNodeId: NODE, reconnectMs: 200 },
  });

  before(async () => {
    broker = await startTestMosquitto();
    host = startSparkplugHost(broker.url, GROUP);
    await host.ready;
    t = await startTestHub(config(), dir);
    dev = await enrollTestDevice(t, 'pump-station-1');
    device = await startDataDevice(t, dev);
  });
  after(async () => {
    device?.close();
    await t?.stop();
    host?.c.end(true);
    await broker?.stop();
    if (dev) rmSync(dev.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.kek`, { force: true });
  });

  it('publishes NBIRTH with bdSeq and Node Control/Rebirth, a DBIRTH with definitions, and DDATA with quality', async () => {
    const nbirth = await eventually(() => host.of('NBIRTH')[0], 30_000);
    const names = (nbirth.payload.metrics ?? []).map((m) => m.name);
    assert.deepEqual(names, ['bdSeq', 'Node Control/Rebirth']);
    assert.equal(num(nbirth.payload.seq), 0);
    const now = Date.now();
    await device.publish(
      [
        { p: 'tank_level', v: 41.5, t: now },
        { p: 'pump1.run', v: true, t: now },
      ],
      [
        { p: 'tank_level', type: 'number', unit: '%', description: 'Tank level' },
        { p: 'pump1.run', type: 'boolean', writable: true },
      ],
    );
    const dbirth = await eventually(
      () =>
        host.of('DBIRTH').find((s) => s.device === dev.id && (s.payload.metrics ?? []).some((m) => m.value === 41.5)),
      30_000,
    );
    const level = dbirth.payload.metrics!.find((m) => m.name === 'tank_level')!;
    assert.equal(level.type, 'Double');
    assert.equal(level.properties?.engUnit?.value, '%');
    assert.equal(level.properties?.description?.value, 'Tank level');
    assert.equal(level.properties?.Quality?.value, 192);
    assert.equal(dbirth.payload.metrics!.find((m) => m.name === 'pump1.run')!.type, 'Boolean');

    await device.publish([{ p: 'tank_level', v: null, q: 'bad', r: 'timeout', t: now + 1000 }]);
    await eventually(() => host.values.get(`${dev.id}/tank_level`)?.quality === 0, 30_000);
    const bad = host.of('DDATA').at(-1)!.payload.metrics![0]!;
    assert.equal(bad.name ?? null, null, 'DDATA names metrics by alias only');
    assert.equal(bad.properties?.QualityReason?.value, 'timeout');
    await device.publish([{ p: 'tank_level', v: 43, t: now + 2000 }]);
    await eventually(() => host.values.get(`${dev.id}/tank_level`)?.value === 43, 30_000);
    assert.equal(host.values.get(`${dev.id}/tank_level`)?.quality, 192);
  });

  it('sends DDEATH when the device link breaks (the host marks it stale), and a DBIRTH with current values on return', async () => {
    const cut = Date.now();
    device.drop();
    const death = await eventually(() => host.of('DDEATH').find((s) => s.device === dev.id && s.at >= cut), 30_000);
    assert.ok(host.values.get(`${dev.id}/tank_level`)?.stale, 'metrics are stale after DDEATH');
    console.log(`  link cut → DDEATH: ${death.at - cut} ms`);
    const back = Date.now();
    await device.reconnect();
    const rebirth = await eventually(() => host.of('DBIRTH').find((s) => s.device === dev.id && s.at >= back), 30_000);
    const level = rebirth.payload.metrics!.find((m) => m.name === 'tank_level')!;
    assert.equal(level.value, 43, 'the DBIRTH carries the current value');
    assert.equal(host.values.get(`${dev.id}/tank_level`)?.stale, false);
  });

  it('births everything again on NCMD Node Control/Rebirth, with the same bdSeq and seq from 0', async () => {
    const before = host.of('NBIRTH').length;
    const bdSeq = num(host.of('NBIRTH')[0]!.payload.metrics![0]!.value);
    const ncmd = codec.encodePayload({
      timestamp: Date.now(),
      metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
    });
    await host.c.publishAsync(`spBv1.0/${GROUP}/NCMD/${NODE}`, Buffer.from(ncmd), { qos: 0 });
    const nb = await eventually(() => host.of('NBIRTH')[before], 30_000);
    assert.equal(num(nb.payload.seq), 0);
    assert.equal(num(nb.payload.metrics![0]!.value), bdSeq);
    const i = host.seen.indexOf(nb);
    await eventually(() => host.seen.slice(i).find((s) => s.type === 'DBIRTH' && s.device === dev.id), 30_000);
    assert.equal(num(host.seen.slice(i).find((s) => s.type === 'DBIRTH')!.payload.seq), 1);
  });

  it('numbers messages 0..255 and wraps to 0', async () => {
    const start = host.seen.length;
    const t0 = Date.now();
    for (let k = 0; k < 270; k++) await device.publish([{ p: 'tank_level', v: 100 + k, t: t0 + 10_000 + k }]);
    await eventually(() => host.values.get(`${dev.id}/tank_level`)?.value === 369, 60_000);
    const seqs = host.seen
      .slice(start)
      .filter((s) => s.type !== 'NDEATH')
      .map((s) => num(s.payload.seq));
    for (let k = 1; k < seqs.length; k++)
      assert.equal(seqs[k], (seqs[k - 1]! + 1) % 256, `seq at ${k}: ${seqs.join(',')}`);
    assert.ok(seqs.includes(255) && seqs.indexOf(0) > seqs.indexOf(255), 'the sequence wrapped');
  });

  it('publishes NDEATH with the session bdSeq on stop, and the next session births with the next bdSeq', async () => {
    const bdSeq = num(host.of('NBIRTH')[0]!.payload.metrics![0]!.value);
    device.close();
    await t.stop();
    const death = await eventually(() => host.of('NDEATH')[0], 30_000);
    assert.equal(num(death.payload.metrics![0]!.value), bdSeq);
    const births = host.of('NBIRTH').length;
    t = await startTestHub(config(), dir);
    const nb = await eventually(() => host.of('NBIRTH')[births], 30_000);
    assert.equal(num(nb.payload.metrics![0]!.value), (bdSeq + 1) % 256);
  });
});
