import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonName } from './embedded-broker.js';

test('the CN of a subject as Node gives it for a peer certificate', () => {
  assert.equal(commonName({ CN: 'sim-00001' }), 'sim-00001');
  assert.equal(commonName({ O: 'Outpost', CN: 'pump-7', OU: 'north' }), 'pump-7');
});

test('no CN, or two of them, is no CN: the broker then refuses the client id', () => {
  assert.equal(commonName({ O: 'Outpost' }), undefined);
  // Node gives several values of one key as an array (O=Outpost/CN=a/CN=b).
  assert.equal(commonName({ O: 'Outpost', CN: ['a', 'b'] }), undefined);
  assert.equal(commonName({}), undefined);
});
