import assert from 'node:assert/strict';
import { spawn, spawnSync, execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';

// This file is in the unit tier: the runner loads unit-guard.mjs into it, as into every unit test.
describe('the unit tier', () => {
  it('runs under the guard', () => {
    assert.equal(process.env.OUTPOST_TEST_TIER, 'unit', 'run it with: node scripts/run-tests.mjs --tier unit');
  });

  it('refuses to listen, connect or send datagrams', () => {
    assert.throws(() => createServer().listen(0, '127.0.0.1'), /unit tests may not listen on a socket/);
    assert.throws(() => connect(9, '127.0.0.1'), /unit tests may not open a socket/);
    assert.throws(() => createSocket('udp4').bind(0), /unit tests may not bind a datagram socket/);
  });

  it('refuses to start child processes, however they are imported', () => {
    assert.throws(() => spawn('true'), /unit tests may not start a child process \(spawn\)/);
    assert.throws(() => spawnSync('true'), /unit tests may not start a child process \(spawnSync\)/);
    assert.throws(() => execFile('true'), /unit tests may not start a child process \(execFile\)/);
  });
});
