import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('takes the token from a file, refusing an empty, oversized or missing one, or both forms at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-token-'));
    try {
      const file = (name: string, text: string) => {
        writeFileSync(join(dir, name), text);
        return join(dir, name);
      };
      const enroll = async (...extra: string[]) => {
        const io = captured();
        const code = await agentMain(
          ['enroll', '--hub', 'https://hub.example', '--ca-fingerprint', 'ab', ...extra],
          io,
        );
        return { code, err: io.stderr.join('\n') };
      };
      const empty = await enroll('--token-file', file('empty', ' \n'));
      assert.deepEqual([empty.code, /--token-file .*empty is empty/.test(empty.err)], [2, true]);
      const big = await enroll('--token-file', file('big', 'x'.repeat(5000)));
      assert.deepEqual([big.code, /larger than a token can be/.test(big.err)], [2, true]);
      const gone = await enroll('--token-file', join(dir, 'gone'));
      assert.deepEqual([gone.code, /--token-file .*gone: ENOENT/.test(gone.err)], [2, true]);
      const both = await enroll('--token-file', file('t', 'oet_x'), '--token', 'oet_y');
      assert.deepEqual([both.code, /give --token or --token-file, not both/.test(both.err)], [2, true]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to run without an identity and says how to get one', async () => {
    const io = captured();
    assert.equal(await agentMain(['run', '--dir', '/nonexistent/outpost-agent'], io), 1);
    assert.match(io.stderr[0], /^error: no identity in \/nonexistent\/outpost-agent: enroll this device first/);
  });
});
