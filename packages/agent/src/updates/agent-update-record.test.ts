import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AGENT_UPDATE_FILE,
  bootOf,
  formatAgentUpdate,
  launchDecision,
  parseAgentUpdate,
  pendingUpdate,
  readAgentUpdate,
  writeAgentUpdate,
} from './agent-update-record.js';
import { LAUNCH_ROWS, NOW_S, pending } from './agent-update-record.fixture.js';

describe('the agent self-update record', () => {
  it('decides each launch as the table says', () => {
    for (const row of LAUNCH_ROWS) assert.deepEqual(launchDecision(row.record, NOW_S), row.expect, row.name);
  });

  it('rolls back a version that exits at every start after exactly its allowed starts', () => {
    let r = pendingUpdate({ job: 'job_1', previous: '0.1.0', next: '0.2.0', nowS: NOW_S, deadlineS: 300 });
    const starts: string[] = [];
    for (;;) {
      const d = launchDecision(r, NOW_S + 10);
      starts.push(d.action);
      if (d.action === 'roll_back') {
        assert.equal(d.record.reason, 'agent_start_failed');
        break;
      }
      r = d.record!;
    }
    assert.deepEqual(starts, ['start', 'start', 'start', 'roll_back']);
  });

  it('reads back what it writes, and refuses odd records instead of guessing', () => {
    for (const row of LAUNCH_ROWS.filter((x) => x.record))
      assert.deepEqual(parseAgentUpdate(formatAgentUpdate(row.record!)), row.record);
    const good = formatAgentUpdate(pending());
    for (const bad of [
      '',
      'state=pending\n',
      good.replace('state=pending', 'state=maybe'),
      good.replace('previous=0.1.0', 'previous=../../etc'),
      good.replace('next=0.2.0', 'next=0.2.0 ; rm -rf /'),
      good.replace('starts=0', 'starts=-1'),
      good.replace('job=job_1', 'job=$(reboot)'),
      `${good}reason=Not A Code\n`,
      `${good}garbage\n`,
    ])
      assert.equal(parseAgentUpdate(bad), null, JSON.stringify(bad));
  });

  it('writes the record whole in the state directory and reads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-agent-update-'));
    try {
      assert.equal(readAgentUpdate(dir), null);
      writeAgentUpdate(dir, pending({ starts: 2 }), false);
      assert.deepEqual(readAgentUpdate(dir), pending({ starts: 2 }));
      assert.match(readFileSync(join(dir, AGENT_UPDATE_FILE), 'utf8'), /^state=pending\njob=job_1\n/);
      writeFileSync(join(dir, AGENT_UPDATE_FILE), 'state=pending\n');
      assert.equal(readAgentUpdate(dir), null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells a starting agent whether it is the new version on trial or the one rolled back to', () => {
    assert.deepEqual(bootOf(pending(), 'job_1', '0.2.0'), { trial: true, confirmed: false, deadline: NOW_S + 300 });
    assert.deepEqual(bootOf(pending({ state: 'confirmed' }), 'job_1', '0.2.0'), {
      trial: true,
      confirmed: true,
      deadline: NOW_S + 300,
    });
    const back = bootOf(pending({ state: 'rolled_back', reason: 'agent_start_failed' }), 'job_1', '0.1.0');
    assert.deepEqual(back, {
      trial: false,
      reason: 'agent_start_failed',
      message: 'agent 0.2.0 did not start; 0.1.0 runs again',
    });
    const late = bootOf(pending({ state: 'rolled_back', reason: 'health_deadline' }), 'job_1', '0.1.0');
    assert.equal(!late.trial && late.reason, 'health_deadline');
    // Still pending, but the previous version runs: the switch to the new one never happened.
    const noSwitch = bootOf(pending(), 'job_1', '0.1.0');
    assert.equal(!noSwitch.trial && noSwitch.reason, 'agent_start_failed');
    // A record of another job says nothing about this one.
    const other = bootOf(pending({ job: 'job_0' }), 'job_1', '0.2.0');
    assert.equal(!other.trial && other.reason, 'restart_interrupted');
  });
});
