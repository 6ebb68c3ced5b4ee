import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentMain, type AgentMainIo } from './agent-main.js';
import { AGENT_VERSION } from '../core/agent.core.js';

function captured(): AgentMainIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { program: 'outpost-agent', out: (l) => stdout.push(l), err: (l) => stderr.push(l), stdout, stderr };
}

describe('the agent command line', () => {
  it('prints its version', async () => {
    const io = captured();
    assert.equal(await agentMain(['version'], io), 0);
    assert.deepEqual(io.stdout, [AGENT_VERSION]);
  });

  it('lists commands and each command options', async () => {
    const io = captured();
    assert.equal(await agentMain(['--help'], io), 0);
    assert.match(io.stdout.join('\n'), /enroll .*\n.*run .*\n.*version/);
    assert.equal(await agentMain(['run', '--help'], io), 0);
    assert.match(io.stdout.join('\n'), /--guard <spec>/);
    assert.match(io.stdout.join('\n'), /--no-access/);
    assert.equal(await agentMain(['enroll', '--help'], io), 0);
    assert.match(io.stdout.join('\n'), /--ca-fingerprint <sha256>/);
  });

  it('refuses an unknown or missing command with exit code 2', async () => {
    const io = captured();
    assert.equal(await agentMain([], io), 2);
    assert.equal(await agentMain(['start'], io), 2);
    assert.match(io.stderr.join('\n'), /error: unknown command "start"/);
  });

  it('refuses enroll without the hub, token or CA fingerprint, naming what is missing', async () => {
    const io = captured();
    assert.equal(await agentMain(['enroll', '--hub', 'https://hub.example:8443'], io), 2);
    assert.match(io.stderr[0], /^error: enroll needs --token, --ca-fingerprint\n/);
  });

  it('refuses to run without an identity and says how to get one', async () => {
    const io = captured();
    assert.equal(await agentMain(['run', '--dir', '/nonexistent/outpost-agent'], io), 1);
    assert.match(io.stderr[0], /^error: no identity in \/nonexistent\/outpost-agent: enroll this device first/);
  });
});
