import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBrokerList } from './broker-endpoints.js';
import { assignedBroker } from './external-brokers.js';

describe('OUTPOST_BROKERS', () => {
  it('reads backend and device URLs, the device port defaulting to 8883', () => {
    assert.deepEqual(
      parseBrokerList(
        'mqtts://b1:8884, mqtts://b2:9884?devices=9883,mqtts://10.0.0.3:8884?devices=mqtts://edge.example:443&name=edge',
      ),
      [
        { backendUrl: 'mqtts://b1:8884', deviceUrl: 'mqtts://b1:8883', name: 'broker-1' },
        { backendUrl: 'mqtts://b2:9884', deviceUrl: 'mqtts://b2:9883', name: 'broker-2' },
        { backendUrl: 'mqtts://10.0.0.3:8884', deviceUrl: 'mqtts://edge.example:443', name: 'edge' },
      ],
    );
  });

  it('refuses plain MQTT, missing ports, credentials, duplicates and an empty list, naming the entry', () => {
    assert.throws(() => parseBrokerList('mqtt://b1:1883'), /"mqtt:\/\/b1:1883" must be mqtts/);
    assert.throws(() => parseBrokerList('mqtts://b1'), /explicit port/);
    assert.throws(() => parseBrokerList('mqtts://u:p@b1:8884'), /no credentials/);
    assert.throws(() => parseBrokerList('mqtts://b1:8884,mqtts://b1:8884'), /named twice/);
    assert.throws(() => parseBrokerList(' , '), /names no broker/);
    assert.throws(() => parseBrokerList('mqtts://b1:8884?name=a,mqtts://b2:8884?name=a'), /name=a .* not a unique/);
    assert.throws(() => parseBrokerList('mqtts://b1:8884?name=Big%20One'), /not a unique lowercase name/);
    assert.throws(() => parseBrokerList('mqtts://b1:8884?devices=ws://x:1'), /devices=ws:\/\/x:1/);
  });

  it('spreads devices over brokers by id, the same way every time', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 300; i++) counts[assignedBroker(`dev-${i}`, 3)]++;
    for (const c of counts) assert.ok(c > 60, `uneven spread ${counts.join('/')}`);
    assert.equal(assignedBroker('pump-7', 3), assignedBroker('pump-7', 3));
  });
});
