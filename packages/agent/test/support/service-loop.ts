// Runs a command as systemd runs a unit with Restart=on-failure and RestartSec: a run that ends
// with a non-zero code (or a signal it did not get from us) is started again after a pause.
// Used where systemd itself cannot run the agent (a test without root or a system manager).
import { spawn, type ChildProcess } from 'node:child_process';

export interface ServiceLoop {
  /** Every run so far: when it started and how it ended (null while it runs). */
  runs(): Array<{ startedAt: number; code: number | null }>;
  output(): string;
  stop(): Promise<void>;
}

export function startServiceLoop(
  command: string,
  args: string[],
  env: Record<string, string>,
  restartMs = 1000,
): ServiceLoop {
  const runs: Array<{ startedAt: number; code: number | null }> = [];
  let text = '';
  let child: ChildProcess | null = null;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let exited: Promise<void> = Promise.resolve();

  function start() {
    timer = null;
    if (stopping) return;
    const run = { startedAt: Date.now(), code: null as number | null };
    runs.push(run);
    const c = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const keep = (b: Buffer) => (text = (text + b.toString()).slice(-200_000));
    c.stdout!.on('data', keep);
    c.stderr!.on('data', keep);
    exited = new Promise((resolve) =>
      c.once('exit', (code, signal) => {
        run.code = code ?? (signal ? 128 : -1);
        child = null;
        if (!stopping && run.code !== 0) timer = setTimeout(start, restartMs);
        resolve();
      }),
    );
  }
  start();
  return {
    runs: () => runs.map((r) => ({ ...r })),
    output: () => text,
    async stop() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const c = child;
      if (c) {
        c.kill('SIGTERM');
        const kill = setTimeout(() => c.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(kill);
      }
    },
  };
}
