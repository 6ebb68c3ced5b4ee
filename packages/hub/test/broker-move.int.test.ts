import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@outpost/client';
import { startTestHub, type TestHub } from './support/test-hub.js';
import { enrollTestDevice } from './support/devices.js';

// On the embedded broker there is no other broker: the route says so; who may move is checked first.
describe('broker moves on a hub with its embedded broker', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub();
    await enrollTestDevice(t, 'still-1');
  });
  after(() => t?.stop());

  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: unknown) => (e instanceof ApiError ? `${e.status} ${e.code}` : String(e)),
    );

  it('refuses a move with broker_move_unavailable and shows the device on no external broker', async () => {
    assert.equal(await code(t.admin.brokers.move('still-1', { broker: 'broker-1' })), '409 broker_move_unavailable');
    const v = await t.admin.brokers.ofDevice('still-1');
    assert.deepEqual({ broker: v.broker, move: v.move }, { broker: null, move: null });
    assert.equal(v.home, t.hub.brokerUrlOf('still-1'));
  });

  it('leaves moves to admins, and names an unknown device', async () => {
    const operator = await t.userClient('operator');
    assert.equal(await code(operator.brokers.move('still-1', { broker: 'broker-1' })), '403 forbidden');
    assert.equal((await operator.brokers.ofDevice('still-1')).deviceId, 'still-1');
    assert.match(await code(t.admin.brokers.ofDevice('nobody')), /^404 /);
    assert.match(
      await code(t.admin.brokers.move('still-1', { broker: 'broker-1', deadlineS: 1 })),
      /^400 validation_failed/,
    );
  });
});
