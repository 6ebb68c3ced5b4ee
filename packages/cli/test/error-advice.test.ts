import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adviceFor } from '../src/error-advice.js';

const nodeError = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

test('a failed command says what to do for the usual first-day mistakes', () => {
  assert.match(
    adviceFor(
      nodeError('connect ECONNREFUSED 127.0.0.1:8443', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 8443 }),
    ),
    /is the hub running at 127\.0\.0\.1:8443\? Give its address with --hub/,
  );
  assert.match(
    adviceFor(nodeError('Protocol "http:" not supported. Expected "https:"', { code: 'ERR_INVALID_PROTOCOL' })),
    /the hub speaks HTTPS only: give --hub https:\/\//,
  );
  assert.match(
    adviceFor(nodeError('self-signed certificate in certificate chain', { code: 'SELF_SIGNED_CERT_IN_CHAIN' })),
    /use --ca-file <hub data directory>\/pki\/ca\.crt/,
  );
  // A cause wrapped by the client still finds its advice.
  const wrapped = new Error('request failed', { cause: nodeError('x', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }) });
  assert.match(adviceFor(wrapped), /--ca-file/);
  assert.equal(adviceFor(new Error('something else')), 'error: something else');
});
