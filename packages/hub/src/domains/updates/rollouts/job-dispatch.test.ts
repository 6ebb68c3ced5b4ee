import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VERSION_ORDER_EXAMPLES } from '@outpost/protocol';
import { preflight, sentRoots } from './job-dispatch.js';

const artifact = (version: string, minVersion?: string) => ({
  models: ['gw-200'],
  kind: 'firmware',
  version,
  minVersion,
});

describe('rollout preflight', () => {
  it('skips a device already on the version or on a newer one, by the one version ordering', () => {
    const rows = VERSION_ORDER_EXAMPLES;
    for (let i = 0; i < rows.length; i++) {
      for (const running of rows[i]) {
        for (let j = 0; j < rows.length; j++) {
          const verdict = preflight(artifact(rows[j][0]), { model: 'gw-200', firmware: running });
          const expected = i === j ? 'already_on_version' : i > j ? 'newer_version' : null;
          assert.equal(verdict && verdict !== 'wait' ? verdict.reason : null, expected, `${running} vs ${rows[j][0]}`);
        }
      }
    }
    assert.deepEqual(preflight(artifact('1.0.0'), { model: 'gw-200', firmware: '1.2.0' }), {
      reason: 'newer_version',
      detail: 'runs 1.2.0, newer than 1.0.0: a downgrade is not a rollout',
    });
  });

  it('skips a device below the minimum version, by the one version ordering', () => {
    const rows = VERSION_ORDER_EXAMPLES;
    for (let i = 0; i < rows.length; i++) {
      for (let j = 0; j < rows.length; j++) {
        const verdict = preflight(artifact('99.0.0', rows[j][0]), { model: 'gw-200', firmware: rows[i][0] });
        const reason = verdict && verdict !== 'wait' ? verdict.reason : null;
        assert.equal(reason, i < j ? 'below_min_version' : null, `runs ${rows[i][0]}, minimum ${rows[j][0]}`);
      }
    }
    assert.ok(preflight(artifact('3.0.0', '2.1.0.10'), { model: 'gw-200', firmware: '2.1.0.9' }));
    assert.equal(preflight(artifact('3.0.0', '2.1.0.10'), { model: 'gw-200', firmware: '2.1.1' }), null);
  });

  it('waits for a device with no known model and skips other models', () => {
    assert.equal(preflight(artifact('2.0.0'), { model: null, firmware: null }), 'wait');
    assert.equal(preflight(artifact('2.0.0'), undefined), 'wait');
    const v = preflight(artifact('2.0.0'), { model: 'rtr-5', firmware: '1.0.0' });
    assert.deepEqual(v, { reason: 'incompatible_model', detail: 'model rtr-5 is not among gw-200' });
  });

  it('compares an agent release with the agent version, not the firmware', () => {
    const agent = { models: ['gw-200'], kind: 'agent', version: '0.2.0', minVersion: '0.1.0' };
    const facts = (agentVersion: string | null) => ({ model: 'gw-200', firmware: '0.2.0', agentVersion });
    assert.equal(preflight(agent, facts('0.1.0')), null);
    assert.deepEqual(preflight(agent, facts('0.2.0')), { reason: 'already_on_version', detail: 'already runs 0.2.0' });
    assert.deepEqual(preflight(agent, facts('0.0.9')), {
      reason: 'below_min_version',
      detail: 'runs 0.0.9, needs at least 0.1.0',
    });
    // A device that never said which agent it runs gets the job; the agent itself decides.
    assert.equal(preflight(agent, facts(null)), null);
  });

  it('skips a device that could not verify the release with the roots a job carries, saying what fixes it', () => {
    const dev = (updateRoot: number | null) => ({ model: 'gw-200', firmware: '1.0.0', updateRoot });
    const roots = sentRoots([{ signed: { version: 3 } }, { signed: { version: 4 } }]);
    assert.equal(preflight(artifact('2.0.0'), dev(0), roots), null, 'no root yet: it takes one with the job');
    assert.equal(preflight(artifact('2.0.0'), dev(null), roots), null, 'an agent that does not say decides itself');
    assert.equal(preflight(artifact('2.0.0'), dev(2), roots), null, 'v2 walks to v3 and v4');
    const far = preflight(artifact('2.0.0'), dev(1), roots);
    assert.equal(far && far !== 'wait' ? far.reason : far, 'trust_root_unreachable');
    assert.match(far && far !== 'wait' ? far.detail : '', /re-enroll the device/);
    const newer = preflight(artifact('2.0.0'), dev(5), roots);
    assert.equal(newer && newer !== 'wait' ? newer.reason : newer, 'trust_root_unknown');
    const none = preflight(artifact('2.0.0'), dev(0), sentRoots([]));
    assert.equal(none && none !== 'wait' ? none.reason : none, 'no_trust_root');
    assert.match(none && none !== 'wait' ? none.detail : '', /outpost artifacts trust set root\.json/);
  });
});
