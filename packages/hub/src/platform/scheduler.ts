import type { Clock, Timer } from './clock.js';
import type { Logger } from './logger.js';

/** Background work with a name, started by the hub and stopped with it. Runs never overlap. */
export interface Scheduler {
  every(name: string, ms: number, fn: () => Promise<unknown>): void;
  stopAll(): void;
}

export function createScheduler(deps: { clock: Clock; logger: Logger }): Scheduler {
  const timers: Timer[] = [];
  return {
    every(name, ms, fn) {
      let running = false;
      const run = async () => {
        if (running) return;
        running = true;
        try {
          await fn();
        } catch (err) {
          deps.logger.error({ err, job: name }, 'background job failed');
        } finally {
          running = false;
        }
      };
      timers.push(deps.clock.every(ms, run));
    },
    stopAll() {
      for (const t of timers.splice(0)) t.cancel();
    },
  };
}
