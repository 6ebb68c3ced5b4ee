import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDomainEventBus } from './domain-events.js';
import { createLogger } from './logger.js';

describe('domain events', () => {
  it('delivers to every listener of the event, waits for them, and survives a failing one', async () => {
    const bus = createDomainEventBus(createLogger('silent'));
    const seen: string[] = [];
    bus.on('rolloutChanged', async ({ rolloutId }) => {
      await Promise.resolve();
      seen.push(`a:${rolloutId}`);
    });
    bus.on('rolloutChanged', () => {
      throw new Error('listener broke');
    });
    bus.on('rolloutChanged', ({ rolloutId }) => void seen.push(`b:${rolloutId}`));
    bus.on('alertsChanged', () => void seen.push('alerts'));
    await bus.emit('rolloutChanged', { rolloutId: 'r1' });
    assert.deepEqual(seen.sort(), ['a:r1', 'b:r1']);
    await bus.emit('membershipChanged', { devices: 'all' });
    assert.deepEqual(seen.sort(), ['a:r1', 'b:r1']);
  });
});
