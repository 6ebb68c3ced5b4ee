import type { Logger } from './logger.js';

/** Background work with a name, started by the hub and stopped with it. Runs never overlap. */
export interface Scheduler {
  every(name: string, ms: number, fn: () => Promise<unknown>): void;
  stopAll(): void;
}

export function createScheduler(logger: Logger): Scheduler {
  const timers: NodeJS.Timeout[] = [];
  return {
    every(name, ms, fn) {
      let running = false;
      const t = setInterval(async () => {
        if (running) return;
        running = true;
        try {
          await fn();
        } catch (err) {
          logger.error({ err, job: name }, 'background job failed');
        } finally {
          running = false;
        }
      }, ms);
      t.unref();
      timers.push(t);
    },
    stopAll() {
      for (const t of timers.splice(0)) clearInterval(t);
    },
  };
}
