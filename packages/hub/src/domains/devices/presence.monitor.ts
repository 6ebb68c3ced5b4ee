import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';
import type { DevicesStore } from './devices.store.js';
import type { IngestWriter } from './ingest.writer.js';

/**
 * Marks online devices offline when nothing arrived for heartbeatFactor × their interval:
 * catches half-open links that no last will reports.
 */
export function startPresenceMonitor(opts: {
  store: DevicesStore;
  ingest: IngestWriter;
  clock: Clock;
  logger: Logger;
  everyMs: number;
  isConnected(id: string): boolean;
  disconnect(id: string): void;
}): { stop(): void; sweep(): Promise<number> } {
  let running = false;
  async function sweep(): Promise<number> {
    if (running) return 0;
    running = true;
    try {
      await opts.ingest.flush();
      const now = opts.clock.now().toISOString();
      // Checked and marked in one transaction: a device whose newer message another replica stored
      // meanwhile is not marked (nor dropped).
      const stale = await opts.store.markStaleOffline(now, 10_000);
      if (stale.length === 0) return 0;
      // A silent connection still open is dead weight; drop it so the agent redials.
      for (const id of stale) if (opts.isConnected(id)) opts.disconnect(id);
      opts.logger.info({ count: stale.length }, 'devices marked offline after missed heartbeats');
      return stale.length;
    } catch (err) {
      opts.logger.error({ err }, 'presence sweep failed');
      return 0;
    } finally {
      running = false;
    }
  }
  const timer = opts.clock.every(opts.everyMs, sweep);
  return { stop: () => timer.cancel(), sweep };
}
