import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBrokerList } from '../../mqtt/broker-endpoints.js';
import { findBroker } from './broker-targets.js';

describe('the broker an operator names', () => {
  const brokers = parseBrokerList('mqtts://b1:8884,mqtts://b2:9884?devices=9883&name=north');
  it('is found by name or by device-facing URL', () => {
    assert.equal(findBroker(brokers, 'broker-1')?.deviceUrl, 'mqtts://b1:8883');
    assert.equal(findBroker(brokers, 'north')?.deviceUrl, 'mqtts://b2:9883');
    assert.equal(findBroker(brokers, 'mqtts://b2:9883')?.name, 'north');
  });
  it('is none for a backend URL, another name or another address', () => {
    assert.equal(findBroker(brokers, 'mqtts://b2:9884'), null);
    assert.equal(findBroker(brokers, 'broker-2'), null);
    assert.equal(findBroker(brokers, 'mqtts://evil.example:8883'), null);
  });
});
