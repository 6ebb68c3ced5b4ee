import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileValidator, CellModem } from '@outpost/protocol';
import { FIXTURE_IDS, fixtureRunner, MMCLI_FOUR_MODEMS } from './mmcli.fixture.js';
import { parseModem, ratOf, splitOperatorCode } from './mmcli.parse.js';
import { createModemReader } from './modem.reader.js';

const validModem = compileValidator(CellModem);

async function readAll() {
  const errors: string[] = [];
  const { run, calls } = fixtureRunner(MMCLI_FOUR_MODEMS);
  const modems = await createModemReader(run, (what) => errors.push(what)).read();
  return { modems, errors, calls };
}

describe('mmcli readers', () => {
  it('reads an LTE modem roaming on a foreign network with its home SIM, signal and bearer', async () => {
    const { modems } = await readAll();
    const m = modems[0];
    assert.equal(m.model, 'EG25-G');
    assert.equal(m.firmware, 'EG25GGBR07A08M2G');
    assert.equal(m.equipmentId, FIXTURE_IDS.roamingImei);
    assert.equal(m.rat, 'lte');
    assert.equal(m.roaming, true);
    assert.equal(m.registration, 'roaming');
    assert.deepEqual(m.operator, { name: 'A1', mcc: '232', mnc: '01' });
    assert.deepEqual(m.sim, {
      iccid: FIXTURE_IDS.roamingIccid,
      imsi: '262011234567890',
      operator: { name: 'Telekom.de', mcc: '262', mnc: '01' },
    });
    assert.deepEqual(m.signal, { lte: { rsrp: -112, rsrq: -14, rssi: -81, snr: 2.2 } });
    assert.equal(m.signalQuality, 54);
    assert.equal(m.apn, 'internet.telekom');
    assert.equal(m.interface, 'wwan0');
  });

  it('files a modem on LTE and NR as 5G non-standalone, with a three-digit MNC and both signals', async () => {
    const { modems } = await readAll();
    const m = modems[1];
    assert.equal(m.rat, '5g-nsa');
    assert.equal(m.roaming, false);
    assert.deepEqual(m.operator, { name: 'Verizon', mcc: '311', mnc: '480' });
    assert.deepEqual(m.signal?.nr5g, { rsrp: -92, rsrq: -11, snr: 18 });
    assert.equal(m.signal?.lte?.rsrp, -88);
  });

  it('reports a modem without a SIM as failed with its reason and leaves absent values out, not zero', async () => {
    const { modems, calls } = await readAll();
    const m = modems[2];
    assert.equal(m.state, 'failed');
    assert.equal(m.failedReason, 'sim-missing');
    assert.equal(m.sim, undefined);
    assert.equal(m.signal, undefined);
    assert.equal(m.operator, undefined);
    assert.equal(m.rat, undefined);
    assert.equal('signalQuality' in m, true, 'the modem said 0 and recent=no; 0 is what it reported');
    assert.equal(calls.includes('-i 2'), false, 'no SIM path, no SIM read');
  });

  it('reports a SIM waiting for its PIN: locked, the ICCID it exposes, no IMSI', async () => {
    const { modems } = await readAll();
    const m = modems[3];
    assert.equal(m.state, 'locked');
    assert.equal(m.unlockRequired, 'sim-pin');
    assert.deepEqual(m.sim, { iccid: FIXTURE_IDS.lockedIccid });
    assert.equal(m.equipmentId, undefined);
  });

  it('gives modems that fit the protocol schema', async () => {
    const { modems, errors } = await readAll();
    assert.equal(modems.length, 4);
    for (const m of modems) assert.equal(validModem.check(m).ok, true, JSON.stringify(m));
    assert.deepEqual(errors, []);
  });

  it('keeps a modem whose SIM read fails, and reports what failed', async () => {
    const table = { ...MMCLI_FOUR_MODEMS };
    delete table['-i 1'];
    const errors: string[] = [];
    const modems = await createModemReader(fixtureRunner(table).run, (w) => errors.push(w)).read();
    assert.equal(modems[1].sim, undefined);
    assert.equal(modems[1].rat, '5g-nsa');
    assert.deepEqual(errors, ['SIM 1']);
  });

  it('gives no modems when ModemManager is not there', async () => {
    const errors: string[] = [];
    const modems = await createModemReader(
      async () => {
        throw new Error('mmcli could not run (ENOENT)');
      },
      (w) => errors.push(w),
    ).read();
    assert.deepEqual(modems, []);
    assert.deepEqual(errors, ['modem list']);
  });

  it('tells technologies and operator codes apart', () => {
    assert.equal(ratOf(['5gnr']), '5g-sa');
    assert.equal(ratOf(['hspa-plus']), 'umts');
    assert.equal(ratOf(['edge']), 'gsm');
    assert.equal(ratOf([]), undefined);
    assert.equal(splitOperatorCode('--'), undefined);
    assert.equal(splitOperatorCode('2620'), undefined);
    assert.deepEqual(splitOperatorCode('310260'), { mcc: '310', mnc: '260' });
  });

  it('ignores an equipment identifier that is not an IMEI or MEID', () => {
    const json = structuredClone(MMCLI_FOUR_MODEMS['-m 0']) as { modem: { generic: Record<string, unknown> } };
    json.modem.generic['equipment-identifier'] = 'not-an-imei';
    assert.equal(parseModem(json, 0).modem.equipmentId, undefined);
  });
});
