import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { createDataFeature, openSerialPort, type Agent } from '@outpost/agent';
import { crc16Modbus } from '@outpost/guard';
import type { DataPointView } from '@outpost/protocol';
import { startPtyPair, toolMissing, type PtyPair } from '../../agent/src/ot-guard/ot-guard.fixture.js';
import {
  pymodbusMissing,
  startPlc,
  type Plc,
  type PlcSerialLine,
} from '../../agent/src/process-data/data-peers.fixture.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';
import { eventually, startTestHub, type TestHub } from './support/test-hub.js';

// End to end over a serial line: a socat pseudo-terminal pair, a pymodbus RTU server (unit 7,
// 19200 baud) on one end, a real agent's Modbus RTU data source on the other, the hub's process
// data API reading what arrived; a second line, which cannot take the parity its map asks for,
// is not polled. Then the slave answers with a broken CRC, then not at all: the
// points turn bad with the reason and the agent keeps polling until the slave is back.

const skip = pymodbusMissing() ?? toolMissing('socat');
const POLL_MS = 1000;
const UNIT = 7;
const BAUD = 19200;

describe('Modbus RTU data source over a pty pair to a pymodbus serial slave', { skip }, () => {
  let t: TestHub;
  let dev: EnrolledDevice;
  let line: PtyPair;
  let paritySwitch: PtyPair;
  let plc: Plc | undefined;
  let agent: Agent | undefined;
  let fake: Duplex | undefined;
  const slave: PlcSerialLine = { path: '', baudRate: BAUD, parity: 'N', unitId: UNIT };

  const points = async () =>
    new Map((await t.admin.data.points(dev.id)).items.map((p): [string, DataPointView] => [p.point, p]));
  const point = async (p: string) => (await points()).get(p);

  before(async () => {
    t = await startTestHub();
    dev = await enrollTestDevice(t, 'rtu-gw-1');
    line = await startPtyPair();
    paritySwitch = await startPtyPair();
    slave.path = line.b;
    plc = await startPlc(slave);
    // level 12.34 m (uint16 ×0.01), temperature -5.5 (int16 ×0.1), flow 12.5 (float32 ABCD),
    // total 65538 (uint32 CDAB), model "P1" (string of one register); the pump's coil on.
    await plc.set('hr', 0, [1234, 0xffc9, 0x4148, 0x0000, 0x0002, 0x0001, 0x5031]);
    await plc.set('co', 0, [1]);
    const sources = {
      sources: [
        {
          kind: 'modbus-rtu',
          device: line.a,
          baudRate: BAUD,
          parity: 'none',
          stopBits: 1,
          unitId: UNIT,
          intervalMs: POLL_MS,
          timeoutMs: 500,
          points: [
            { p: 'tank.level', table: 'holding', address: 0, scale: 0.01, unit: 'm' },
            { p: 'temp', table: 'holding', address: 1, type: 'int16', scale: 0.1, unit: 'C' },
            { p: 'flow', table: 'holding', address: 2, type: 'float32', wordOrder: 'ABCD', unit: 'm3/h' },
            { p: 'total', table: 'holding', address: 4, type: 'uint32', wordOrder: 'CDAB' },
            { p: 'model', table: 'holding', address: 6, type: 'string', length: 1 },
            { p: 'pump.run', table: 'coil', address: 0 },
          ],
        },
        {
          // A pseudo-terminal has no parity: the agent cannot set the line as the map says.
          kind: 'modbus-rtu',
          device: paritySwitch.a,
          baudRate: 9600,
          parity: 'even',
          intervalMs: POLL_MS,
          points: [{ p: 'meter.energy', table: 'input', address: 0, type: 'uint32' }],
        },
      ],
    };
    const feature = createDataFeature({
      load: async () => JSON.stringify(sources),
      queueDir: join(dev.dir, 'data'),
      flushMs: 100,
    });
    agent = startTestAgent(t, dev, { features: [feature] });
  });

  after(async () => {
    fake?.destroy();
    await agent?.stop({ clean: true });
    plc?.stop();
    line?.stop();
    paritySwitch?.stop();
    await t?.stop();
    if (dev) rmSync(dev.dir, { recursive: true, force: true });
  });

  it('reports the register map scaled and typed, with the line set to the map’s speed', async () => {
    const seen = await eventually(async () => {
      const m = await points();
      return m.get('pump.run')?.value !== undefined && m.get('model')?.value !== null && m.size === 7 ? m : null;
    }, 60_000);
    const meter = seen.get('meter.energy');
    seen.delete('meter.energy');
    const view = Object.fromEntries([...seen].map(([p, v]) => [p, [v.value, v.type, v.quality]]));
    assert.deepEqual(view, {
      'tank.level': [12.34, 'number', 'good'],
      temp: [-5.5, 'number', 'good'],
      flow: [12.5, 'number', 'good'],
      total: [65538, 'number', 'good'],
      model: ['P1', 'string', 'good'],
      'pump.run': [true, 'boolean', 'good'],
    });
    assert.equal(seen.get('tank.level')?.source, `modbus-rtu ${line.a} unit ${UNIT} holding 0`);
    assert.equal(seen.get('tank.level')?.unit, 'm');
    // The agent set the line itself (socat's ptys start at 38400).
    const stty = spawnSync('stty', ['-F', line.a], { encoding: 'utf8' });
    assert.match(stty.stdout, new RegExp(`speed ${BAUD} baud`), stty.stdout + stty.stderr);
    // A line that refuses its settings is not polled with others (which would only read garbage).
    assert.deepEqual([meter?.quality, meter?.reason], ['bad', 'comm-lost']);
  });

  it('shows a register change on the hub within one poll plus 1 s', async () => {
    const changedAt = Date.now();
    await plc!.set('hr', 0, [2500]);
    const p = await eventually(async () => {
      const v = await point('tank.level');
      return v?.value === 25 ? v : null;
    }, 30_000);
    const took = Date.now() - changedAt;
    const readAfter = Date.parse(p.ts!) - changedAt;
    console.log(`  register change → hub API: ${took} ms (read after ${readAfter} ms; poll ${POLL_MS} ms)`);
    assert.ok(took <= POLL_MS + 1000, `${took} ms`);
    assert.ok(Date.parse(p.ts!) >= changedAt - 5, 'the value carries the time it was read');
  });

  it('turns the points bad with the reason for a corrupted CRC and for a silent slave, and recovers', async () => {
    plc!.stop();
    plc = undefined;
    // A slave whose replies fail their CRC: right unit, function and length, wrong check bytes.
    const port = openSerialPort(line.b);
    fake = port;
    let answered = 0;
    port.on('data', (req: Buffer) => {
      if (req.length < 8 || fake !== port) return;
      const count = req.readUInt16BE(4);
      const bytes = req[1] === 1 ? Math.ceil(count / 8) : 2 * count;
      const frame = Buffer.from([req[0], req[1], bytes, ...new Array<number>(bytes).fill(0), 0, 0]);
      const crc = crc16Modbus(frame, 0, frame.length - 2) ^ 0xffff;
      frame.writeUInt16LE(crc, frame.length - 2);
      answered++;
      port.write(frame);
    });
    const bad = await eventually(async () => {
      const v = await point('tank.level');
      return v?.quality === 'bad' ? v : null;
    }, 30_000);
    assert.equal(bad.reason, 'bad-crc');
    assert.equal(bad.value, 25, 'the last value read stays');
    assert.ok(answered > 0);

    // The slave goes silent: the line stays open, nothing answers.
    fake = undefined;
    await eventually(async () => (await point('tank.level'))?.reason === 'timeout', 30_000);
    assert.equal((await point('pump.run'))?.quality, 'bad');
    port.destroy();
    assert.equal(agent!.state(), 'online', 'the agent kept running');

    plc = await startPlc(slave);
    await plc.set('hr', 0, [3000]);
    const back = await eventually(async () => {
      const v = await point('tank.level');
      return v?.value === 30 && v.quality === 'good' ? v : null;
    }, 30_000);
    assert.equal(back.reason, undefined);
  });
});
