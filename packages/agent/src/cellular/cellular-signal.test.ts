import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CellModem } from '@outpost/protocol';
import { signalDbmOf } from './cellular.feature.js';

const modem = (signal: CellModem['signal']): CellModem => ({
  index: 0,
  state: 'connected',
  accessTechnologies: ['lte'],
  roaming: false,
  ...(signal ? { signal } : {}),
});

describe('the signal health samples carry', () => {
  it('is RSRP on 5G NR before LTE, RSSI on 3G and 2G, from the first modem that gives one', () => {
    assert.equal(signalDbmOf([modem({ lte: { rsrp: -101, rssi: -70 }, nr5g: { rsrp: -95 } })]), -95);
    assert.equal(signalDbmOf([modem({ lte: { rsrp: -112 } })]), -112);
    assert.equal(signalDbmOf([modem({ umts: { rssi: -83 } })]), -83);
    assert.equal(signalDbmOf([modem(undefined), modem({ gsm: { rssi: -90 } })]), -90);
  });

  it('is absent without a modem or a reading, never zero', () => {
    assert.equal(signalDbmOf([]), undefined);
    assert.equal(signalDbmOf([modem(undefined)]), undefined);
    assert.equal(signalDbmOf([modem({ lte: { rsrq: -11 } })]), undefined);
  });
});
