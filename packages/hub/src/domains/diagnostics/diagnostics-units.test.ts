import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandRecord } from '@outpost/protocol';
import { toDiagnosticResult } from './diagnostic-result.js';

const record = (over: Partial<CommandRecord>): CommandRecord => ({
  id: 'cmd_1',
  deviceId: 'gw-1',
  name: 'diag-run',
  args: { name: 'x' },
  state: 'succeeded',
  result: null,
  error: null,
  createdBy: 'u',
  createdAt: '2026-01-01T00:00:00.000Z',
  deadline: '2026-01-01T00:01:00.000Z',
  finishedAt: null,
  ...over,
});

describe('a device answer as a diagnostic result', () => {
  it('takes the agent status, exit code, outputs and duration', () => {
    const r = toDiagnosticResult(
      record({
        result: { status: 'failed', exitCode: 2, stdout: 'a', stderr: 'b', truncated: true, durationMs: 12.4 },
      }),
      'x',
      99,
    );
    assert.deepEqual(r, {
      deviceId: 'gw-1',
      name: 'x',
      status: 'failed',
      exitCode: 2,
      stdout: 'a',
      stderr: 'b',
      truncated: true,
      durationMs: 12,
    });
  });
  it('turns agent refusals into refused with the code, other failures into failed', () => {
    const refused = toDiagnosticResult(
      record({ state: 'failed', error: 'diag_not_declared: no diagnostic "x"' }),
      'x',
      5,
    );
    assert.deepEqual([refused.status, refused.reason], ['refused', 'diag_not_declared']);
    const old = toDiagnosticResult(record({ state: 'failed', error: 'this agent does not know "diag-run"' }), 'x', 5);
    assert.deepEqual([old.status, old.reason], ['refused', 'unknown_command']);
    const late = toDiagnosticResult(record({ state: 'failed', error: 'deadline_passed: late' }), 'x', 5);
    assert.deepEqual([late.status, late.reason], ['failed', 'deadline_passed']);
  });
  it('reports no answer as a timeout and a malformed answer as failed', () => {
    assert.deepEqual(
      [
        toDiagnosticResult(record({ state: 'sent' }), 'x', 5).status,
        toDiagnosticResult(record({ state: 'timed_out' }), 'x', 5).reason,
      ],
      ['timeout', 'no_answer'],
    );
    assert.equal(toDiagnosticResult(record({ result: { status: 'rm -rf' } }), 'x', 5).reason, 'bad_answer');
  });
});
