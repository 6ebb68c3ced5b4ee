import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { runProcess } from './diag-process.js';

const limits = { timeoutMs: 20_000, maxOutputBytes: 1024 };

describe('running a diagnostic process', () => {
  it('returns exit code, output and duration', async () => {
    const r = await runProcess(['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'], limits);
    assert.deepEqual([r.status, r.exitCode, r.stdout, r.stderr, r.truncated], ['failed', 3, 'out\n', 'err\n', false]);
  });
  it('caps stdout and stderr each and says so', async () => {
    const r = await runProcess(
      ['/bin/sh', '-c', 'head -c 5000 /dev/zero | tr "\\0" a; head -c 10 /dev/zero >&2'],
      limits,
    );
    assert.equal(r.stdout.length, 1024);
    assert.equal(r.stderr.length, 10);
    assert.equal(r.truncated, true);
  });
  it('kills the whole process group when time runs out', async () => {
    const marker = `diag-sleep-${process.pid}-${Date.now()}`;
    const r = await runProcess(['/bin/sh', '-c', `sleep 300 & exec -a ${marker} sleep 300`], {
      ...limits,
      timeoutMs: 500,
    });
    assert.equal(r.status, 'timeout');
    assert.match(r.reason ?? '', /killed after 500 ms/);
    const left = execFileSync('/bin/sh', ['-c', `ps -eo args | grep -c "^${marker}" || true`])
      .toString()
      .trim();
    assert.equal(left, '0');
  });
  it('says why a program could not start', async () => {
    const r = await runProcess(['/nonexistent/prog'], limits);
    assert.equal(r.status, 'failed');
    assert.match(r.reason ?? '', /cannot start: .*ENOENT/);
  });
});
