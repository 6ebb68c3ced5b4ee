import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SimOptions } from './simulation.js';

type WorkerOptions = Omit<SimOptions, 'onProgress' | 'features' | 'tokenFor'> & { tokens?: Record<string, string> };

export interface WorkerFleet {
  online(): number;
  total: number;
  stop(): Promise<void>;
}

// Compiled (dist/*.js) the worker is plain JavaScript; run from its TypeScript source it needs tsx.
const fromSource = import.meta.url.endsWith('.ts');
const workerPath = fileURLToPath(new URL(fromSource ? './sim-worker.ts' : './sim-worker.js', import.meta.url));
const workerExecArgv = fromSource ? ['--import', 'tsx', '--conditions=source'] : [];

/** Splits a simulated fleet over several processes (one event loop each), for more than one core's worth of devices. */
export async function startWorkers(
  workers: number,
  o: WorkerOptions,
  onProgress?: (msg: string) => void,
): Promise<WorkerFleet> {
  const per = Math.ceil(o.devices / workers);
  const online = new Map<number, number>();
  const children: ChildProcess[] = [];
  const ready: Array<Promise<void>> = [];
  for (let w = 0; w < workers; w++) {
    const first = (o.first ?? 1) + w * per;
    const devices = Math.min(per, (o.first ?? 1) + o.devices - first);
    if (devices <= 0) break;
    const child = fork(workerPath, [], {
      execArgv: workerExecArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.push(child);
    ready.push(
      new Promise((resolve, reject) => {
        child.on('message', (m: { type: string; online?: number; error?: string; text?: string }) => {
          if (m.type === 'started') resolve();
          if (m.type === 'online') online.set(w, m.online ?? 0);
          if (m.type === 'progress' && m.text) onProgress?.(`worker ${w}: ${m.text}`);
          if (m.type === 'error') reject(new Error(m.error));
        });
        child.once('exit', (code) =>
          code ? reject(new Error(`simulator worker ${w} exited with ${code}`)) : resolve(),
        );
      }),
    );
    child.send({ type: 'start', options: { ...o, first, devices } });
  }
  await Promise.all(ready);
  return {
    total: o.devices,
    online: () => [...online.values()].reduce((a, b) => a + b, 0),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.send({ type: 'stop' });
              setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
    },
  };
}
