import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SCHEMA_VERSION, type CellModem, type CellularMessage } from '@outpost/protocol';
import { createManualClock, type ManualClock } from '../../platform/manual-clock.js';
import { openTestDatabase, type TestDatabase } from '../../storage/test-database.js';
import { createCellularInventory } from '../devices/index.js';
import { createDevicesStore } from '../devices/devices.store.js';
import { createCellularHistoryStore } from './cellular-history.store.js';
import { createCellularService, type CellularService } from './cellular.service.js';
import { createCellularStore } from './cellular.store.js';
import type { CellularChange } from './cellular.store.js';

const ICCID_A = '89490200001234567895';
const ICCID_B = '89490200009876543210';
const silent = { warn: () => undefined, info: () => undefined, error: () => undefined } as never;

function modem(iccid: string, o: Partial<CellModem> = {}): CellModem {
  return {
    index: 0,
    model: 'EG25-G',
    equipmentId: '867929068986349',
    state: 'connected',
    accessTechnologies: ['lte'],
    rat: 'lte',
    roaming: false,
    operator: { name: 'Telekom.de', mcc: '262', mnc: '01' },
    sim: { iccid },
    signal: { lte: { rsrp: -97 } },
    interface: 'wwan0',
    ...o,
  };
}

function report(c: ManualClock, m: CellModem, rx: number, tx: number, epoch = 'epoch-one'): Buffer {
  const msg: CellularMessage = {
    v: SCHEMA_VERSION,
    ts: c.now().getTime(),
    modems: [m],
    counters: { epoch, interfaces: [{ name: 'wwan0', rxBytes: rx, txBytes: tx }] },
    location: { lat: 52.52, lon: 13.4, mode: 3, fixAt: c.now().getTime() },
  };
  return Buffer.from(JSON.stringify(msg));
}

describe('cellular service', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let service: CellularService;
  let changes: CellularChange[];
  const store = () => createCellularStore(t.db);

  beforeEach(async () => {
    t = await openTestDatabase();
    clock = createManualClock(Date.parse('2026-12-01T00:00:00Z'));
    changes = [];
    await createDevicesStore(t.db).insert({
      id: 'gw-1',
      name: 'gw-1',
      model: null,
      serial: null,
      enrolledAt: clock.now().toISOString(),
      certSerial: 'aa',
      certExpiresAt: '2027-12-01T00:00:00Z',
      tags: {},
      staticGroupId: null,
    });
    service = createCellularService({
      store: store(),
      history: createCellularHistoryStore(t.db),
      groupsOf: async () => [],
      inventory: createCellularInventory(t.db),
      clock,
      logger: silent,
      onChange: (c) => changes.push(c),
    });
  });
  afterEach(() => t.close());

  it('files the primary modem in the inventory, with its position', async () => {
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 0, 0));
    const { inventory } = await service.deviceCellular('gw-1');
    assert.deepEqual(
      [inventory.carrier, inventory.iccid, inventory.rat, inventory.rsrp, inventory.roaming, inventory.location?.lat],
      ['Telekom.de', ICCID_A, 'lte', -97, false, 52.52],
    );
  });

  it('records one SIM swap naming the old and new ICCID, and a roaming start', async () => {
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 0, 0));
    await service.onReport('gw-1', report(clock, modem(ICCID_B), 0, 0));
    await service.onReport('gw-1', report(clock, modem(ICCID_B), 0, 0));
    await service.onReport(
      'gw-1',
      report(clock, modem(ICCID_B, { roaming: true, operator: { name: 'A1', mcc: '232', mnc: '01' } }), 0, 0),
    );
    assert.deepEqual(
      changes.map((c) => [c.kind, c.oldValue, c.newValue]),
      [
        ['sim_swap', ICCID_A, ICCID_B],
        ['roaming_start', 'Telekom.de', 'A1'],
      ],
    );
    assert.equal((await service.deviceCellular('gw-1')).changes.length, 2);
  });

  it('a SIM that goes missing and comes back is no swap', async () => {
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 0, 0));
    await service.onReport('gw-1', report(clock, modem(ICCID_A, { sim: undefined, state: 'failed' }), 0, 0));
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 0, 0));
    assert.deepEqual(changes, []);
  });

  it('counts usage per SIM from totals: a repeated report adds nothing, a lost one loses nothing, a new epoch counts from zero', async () => {
    const used = async () => {
      const u = await store().usage(ICCID_A, '2026-12-01');
      return u ? u.rxBytes + u.txBytes : 0;
    };
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 100, 50));
    assert.equal(await used(), 150, 'the first report of an epoch counts whole');
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 100, 50));
    assert.equal(await used(), 150, 'a redelivered report');
    // The report at 300/150 was lost; the next one carries it.
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 500, 250));
    assert.equal(await used(), 750);
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 400, 200));
    assert.equal(await used(), 750, 'an older report arriving late');
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 10, 5, 'epoch-two'));
    assert.equal(await used(), 765, 'the device lost its counter state: a new epoch');
    // Reports racing each other are taken one at a time.
    await Promise.all(
      [1, 2, 3].map((i) => service.onReport('gw-1', report(clock, modem(ICCID_A), 10 + i * 100, 5, 'epoch-two'))),
    );
    assert.equal(await used(), 1065);
  });

  it('fires the projected overage once per billing cycle, starting on the plan day', async () => {
    await service.setPlan(ICCID_A, { limitBytes: 10_000, cycleStartDay: 15 });
    clock.set(Date.parse('2026-12-16T00:00:00Z'));
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 0, 0));
    // 1 day into a 31-day cycle (15 Dec – 15 Jan), 500 bytes: projects to 15,500 > 10,000.
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 500, 0));
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 900, 0));
    assert.deepEqual(
      changes.map((c) => [c.kind, c.oldValue, c.newValue]),
      [['overage_projected', `${ICCID_A}:10000`, '15500']],
    );
    clock.set(Date.parse('2027-01-16T00:00:00Z'));
    await service.onReport('gw-1', report(clock, modem(ICCID_A), 1500, 0));
    assert.equal(changes.length, 2, 'a new cycle may fire again');
    const cycles = (await service.deviceCellular('gw-1')).usage.map((u) => [u.cycleStart, u.rxBytes, u.limitBytes]);
    assert.deepEqual(cycles, [
      ['2027-01-15', 600, 10_000],
      ['2026-12-15', 900, 10_000],
    ]);
  });

  it('drops a malformed report and changes nothing', async () => {
    await service.onReport('gw-1', Buffer.from('{"v":1,"ts":1,"modems":"no"}'));
    await assert.rejects(service.deviceCellular('gw-1'), /cellular report of device "gw-1" not found/);
  });
});
