// The scale benchmark's fleet of lean simulated devices over worker processes (scale-device-worker.ts).
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceWorkerReply, DeviceWorkerRequest } from './scale-device-worker.js';

export interface LeanFleet {
  online(): number;
  pids(): number[];
  stop(): Promise<void>;
}

export async function startLeanFleet(o: {
  identities: string;
  caFingerprint: string;
  devices: number;
  procs: number;
  rampMs: number;
  healthIntervalS: number;
  backoff: { baseMs: number; capMs: number };
  connectTimeoutMs: number;
  dialsInFlight: number;
}): Promise<LeanFleet> {
  const script = fileURLToPath(new URL('./scale-device-worker.ts', import.meta.url));
  const per = Math.ceil(o.devices / o.procs);
  const online = new Map<number, number>();
  const children: ChildProcess[] = [];
  await Promise.all(
    Array.from({ length: o.procs }, (_, w) => {
      const first = 1 + w * per;
      const count = Math.min(per, o.devices - w * per);
      if (count <= 0) return Promise.resolve();
      const child = fork(script, [], {
        execArgv: ['--import', 'tsx', '--conditions=source'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      const started = new Promise<void>((resolve, reject) => {
        child.on('message', (m: DeviceWorkerReply) => {
          if (m.type === 'started') resolve();
          else if (m.type === 'online') online.set(w, m.online);
          else reject(new Error(`device worker ${w}: ${m.error}`));
        });
        child.once('exit', (code) => reject(new Error(`device worker ${w} exited with ${code}`)));
      });
      child.send({
        type: 'start',
        base: join(o.identities, o.caFingerprint.slice(0, 16)),
        first,
        count,
        rampMs: o.rampMs,
        healthIntervalS: o.healthIntervalS,
        backoff: o.backoff,
        connectTimeoutMs: o.connectTimeoutMs,
        dialsInFlight: o.dialsInFlight,
      } satisfies DeviceWorkerRequest);
      return started;
    }),
  );
  return {
    online: () => [...online.values()].reduce((a, b) => a + b, 0),
    pids: () => children.filter((c) => c.exitCode === null).map((c) => c.pid!),
    async stop() {
      await Promise.all(
        children.map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null || c.signalCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.send({ type: 'stop' });
              setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
    },
  };
}
