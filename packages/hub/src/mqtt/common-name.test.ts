import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commonName } from './embedded-broker.js';

test('the CN of a subject as Node prints it', () => {
  assert.equal(commonName('CN=sim-00001'), 'sim-00001');
  assert.equal(commonName('O=Outpost\nCN=pump-7\nOU=north'), 'pump-7');
});

test('no CN, or two of them, is no CN: the broker then refuses the client id', () => {
  assert.equal(commonName('O=Outpost'), undefined);
  assert.equal(commonName('CN=a\nCN=b'), undefined);
  assert.equal(commonName(''), undefined);
});
