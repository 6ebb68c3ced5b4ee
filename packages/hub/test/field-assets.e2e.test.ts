import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createGuardFeature, type Agent, type GuardFeature } from '@outpost/agent';
import type { OutpostClient } from '@outpost/client';
import {
  dnp3LinkFrame,
  pymodbusMissing,
  rawExchange,
  startPlc,
  type Peer,
} from '../../agent/src/ot-guard/ot-guard.fixture.js';
import { OUTPOST_MAIN, cliEnvFor } from '../../cli/test/outpost-command.js';
import { browserMissing, buildConsole, launch, openPage, signIn } from '../../console/test/support/browser.js';
import { ADMIN_PASSWORD, startTestHub, eventually, type TestHub } from './support/test-hub.js';
import { enrollTestDevice, startTestAgent, type EnrolledDevice } from './support/devices.js';

// End to end: a pymodbus PLC answering Read Device Identification and a DNP3 outstation
// answering group 0 with hand-built frames, behind a real agent's guards; a master asks each for
// its identity through the guard, the agent reports the field devices, the hub lists them and
// a field_firmware rule fires for the gateway whose PLC runs too old a firmware.

const skip = pymodbusMissing();
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
const g0 = (variation: number, text: string) => [0, variation, 0x00, 0, 0, 1, text.length, ...ascii(text)];
const OUTSTATION = 10;
const MASTER = 1;

/** A DNP3 outstation that answers any request with its device attributes (group 0). */
function startOutstation(): Promise<net.Server> {
  const fragment = [0xc0, 0x81, 0, 0, ...g0(252, 'GridCo'), ...g0(250, 'RTU-9000'), ...g0(242, '4.2.0')];
  const reply = dnp3LinkFrame([0xc0, ...fragment], 0x44, MASTER, OUTSTATION);
  const server = net.createServer((s) => {
    s.on('data', () => s.write(reply));
    s.on('error', () => undefined);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// FC 43 / MEI 14, read device id code 1 (basic), object 0, unit 1.
const readDeviceId = Uint8Array.from([0x00, 0x07, 0, 0, 0, 5, 1, 0x2b, 0x0e, 0x01, 0x00]);
// Read group 0 variation 254 (all attributes), from master 1 to outstation 10.
const readAttributes = dnp3LinkFrame([0xc0, 0xc0, 0x01, 0x00, 0xfe, 0x06], 0xc4, OUTSTATION, MASTER);

describe('field devices end to end: pymodbus FC 43/14 and DNP3 group 0 through the guards', { skip }, () => {
  let t: TestHub;
  let viewer: OutpostClient;
  let dev: EnrolledDevice;
  let plc: Peer;
  let outstation: net.Server;
  let feature: GuardFeature;
  let agent: Agent;

  before(async () => {
    t = await startTestHub();
    viewer = await t.userClient('viewer');
    dev = await enrollTestDevice(t, 'field-gw-1');
    plc = await startPlc('tcp', '', 19200, {
      VendorName: 'Acme Controls',
      ProductCode: 'AC-500',
      MajorMinorRevision: '1.2.0',
    });
    outstation = await startOutstation();
    const osPort = (outstation.address() as net.AddressInfo).port;
    feature = createGuardFeature({
      guards: [
        {
          kind: 'modbus-tcp',
          listen: { host: '127.0.0.1', port: 0 },
          upstream: { host: '127.0.0.1', port: Number(plc.ready) },
        },
        { kind: 'dnp3-tcp', listen: { host: '127.0.0.1', port: 0 }, upstream: { host: '127.0.0.1', port: osPort } },
      ],
      tickMs: 100,
      // Reports follow each change at once here; a gateway waits minutes between them.
      assetReportMs: 200,
    });
    agent = startTestAgent(t, dev, { features: [feature] });
    await feature.ready();
    await eventually(async () => (await t.admin.devices.get(dev.id)).presence === 'online');
  });

  after(async () => {
    await agent?.stop({ clean: true });
    plc?.stop();
    await new Promise((r) => (outstation ? outstation.close(r) : r(undefined)));
    await t?.stop();
  });

  it('the guards see both identities, the hub lists them, and the firmware rule names the old PLC', async () => {
    const [modbusGuard, dnp3Guard] = feature.status().guards.map((g) => g.address!.port);
    const m = await rawExchange(modbusGuard, readDeviceId);
    // The master gets the PLC's own answer through the guard: FC 43, MEI 14, vendor first.
    assert.equal(m.reply[7], 0x2b, m.reply.toString('hex'));
    assert.ok(m.reply.includes(Buffer.from('Acme Controls')));
    const d = await rawExchange(dnp3Guard, readAttributes);
    // The outstation's reply reaches the master (its CRC blocks split the text; the header is checked).
    assert.equal(d.reply.subarray(0, 2).toString('hex'), '0564', d.reply.toString('hex'));

    const items = await eventually(async () => {
      const r = (await viewer.guard.deviceFieldDevices(dev.id)).items;
      return r.length === 2 ? r : null;
    }, 20_000).catch(async (err: unknown) => {
      const seen = JSON.stringify(await viewer.guard.deviceFieldDevices(dev.id));
      throw new Error(`${String(err)}; hub has ${seen}`);
    });
    const byProto = new Map(items.map((a) => [a.protocol, a]));
    assert.deepEqual(
      [byProto.get('modbus')?.vendor, byProto.get('modbus')?.product, byProto.get('modbus')?.revision],
      ['Acme Controls', 'AC-500', '1.2.0'],
    );
    assert.equal(byProto.get('modbus')?.address, 1);
    assert.deepEqual(
      [byProto.get('dnp3')?.vendor, byProto.get('dnp3')?.product, byProto.get('dnp3')?.revision],
      ['GridCo', 'RTU-9000', '4.2.0'],
    );
    assert.equal(byProto.get('dnp3')?.address, OUTSTATION);

    // Fleet search: vendor substring, firmware version order (1.2.0 < 1.10 < 4.2.0).
    const acme = await viewer.guard.fieldDevices({ vendor: 'acme' });
    assert.deepEqual(
      acme.items.map((a) => a.protocol),
      ['modbus'],
    );
    const old = await viewer.guard.fieldDevices({ firmwareBelow: '1.10' });
    assert.deepEqual(
      old.items.map((a) => a.vendor),
      ['Acme Controls'],
    );
    assert.equal((await viewer.guard.fieldDevices({ vendor: '%' })).items.length, 0, '% is matched literally');

    // A bad rule is refused with the reason; a good one fires and names the PLC.
    await assert.rejects(
      t.admin.rules.create({ name: 'bad', type: 'field_firmware', params: { vendor: 'Acme' } }),
      /params\.minVersion must be a non-empty string/,
    );
    await t.admin.rules.create({
      name: 'Acme firmware',
      type: 'field_firmware',
      severity: 'warning',
      params: { vendor: 'Acme', minVersion: '2.0.0' },
    });
    await t.admin.rules.create({
      name: 'GridCo firmware',
      type: 'field_firmware',
      params: { vendor: 'GridCo', minVersion: '4.0' },
    });
    const firing = await eventually(async () => {
      await t.admin.alerts.evaluate();
      const a = (await t.admin.alerts.list({ state: 'firing' })).items.filter((x) => x.ruleType === 'field_firmware');
      return a.length ? a : null;
    }, 20_000);
    assert.equal(firing.length, 1, 'the GridCo outstation runs 4.2.0, new enough');
    assert.equal(firing[0].deviceId, dev.id);
    assert.equal(firing[0].ruleName, 'Acme firmware');
    const full = await t.admin.alerts.get(firing[0].id);
    assert.match(JSON.stringify(full), /Acme Controls AC-500 at modbus-tcp[^"]* unit 1 runs 1\.2\.0/);
  });

  it('outpost guard assets lists them for a viewer, per gateway and filtered, as a table or JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-field-cli-'));
    try {
      const env = { ...process.env, ...(await cliEnvFor(t, dir, 'viewer')) };
      const run = async (...args: string[]) =>
        (
          await promisify(execFile)(process.execPath, [OUTPOST_MAIN, 'guard', 'assets', ...args], {
            env,
            timeout: 60_000,
          })
        ).stdout;
      const table = await run('--device', dev.id);
      assert.match(table, /Acme Controls\s+AC-500\s+1\.2\.0/);
      assert.match(table, /GridCo\s+RTU-9000\s+4\.2\.0/);
      const json = JSON.parse(await run('--firmware-below', '2', '--json')) as { items: Array<{ vendor: string }> };
      assert.deepEqual(
        json.items.map((a) => a.vendor),
        ['Acme Controls'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'the console shows the field devices on the device page and filters them',
    { skip: browserMissing() ?? false },
    async () => {
      buildConsole();
      const browser = await launch();
      try {
        const { page, problems } = await openPage(browser);
        const base = t.hub.httpUrl.replace('localhost', '127.0.0.1');
        await signIn(page, base, 'admin', ADMIN_PASSWORD);
        await page.getByRole('heading', { name: 'Fleet at a glance' }).waitFor();
        await page.goto(`${base}/devices/${dev.id}`);
        await page.getByRole('tab', { name: 'Field devices' }).click();
        const rows = page.getByTestId('field-devices-table').locator('tbody tr');
        await rows.filter({ hasText: 'Acme Controls' }).waitFor();
        assert.equal(await rows.count(), 2);
        await page.getByLabel('Firmware below').fill('2.0');
        await page
          .locator('[data-testid=field-devices-table] tbody tr', { hasText: 'GridCo' })
          .waitFor({ state: 'detached' });
        assert.equal(await rows.count(), 1);
        assert.match((await rows.first().textContent()) ?? '', /AC-500.*1\.2\.0/);
        assert.deepEqual(problems, []);
      } finally {
        await browser.close();
      }
    },
  );
});
