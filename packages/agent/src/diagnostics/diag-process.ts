// Runs one diagnostic's argv without a shell, in its own process group, with a time limit and
// capped stdout/stderr.
import { spawn } from 'node:child_process';

export interface ProcessOutcome {
  status: 'ok' | 'failed' | 'timeout';
  exitCode?: number;
  signal?: string;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  reason?: string;
}

class Capped {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  add(b: Buffer) {
    const room = this.max - this.size;
    if (b.length > room) this.truncated = true;
    if (room <= 0) return;
    const part = b.length > room ? b.subarray(0, room) : b;
    this.chunks.push(part);
    this.size += part.length;
  }
  text() {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Never rejects: a program that cannot start is `failed` with the reason. */
export function runProcess(argv: string[], o: { timeoutMs: number; maxOutputBytes: number }): Promise<ProcessOutcome> {
  const started = performance.now();
  const out = new Capped(o.maxOutputBytes);
  const err = new Capped(o.maxOutputBytes);
  return new Promise((resolve) => {
    let timedOut = false;
    let done = false;
    const child = spawn(argv[0], argv.slice(1), {
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' },
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* the group is already gone */
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, o.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.add(b));
    child.stderr.on('data', (b: Buffer) => err.add(b));
    const finish = (r: Omit<ProcessOutcome, 'stdout' | 'stderr' | 'truncated' | 'durationMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        ...r,
        stdout: out.text(),
        stderr: err.text(),
        truncated: out.truncated || err.truncated,
        durationMs: Math.round(performance.now() - started),
      });
    };
    child.on('error', (e) => finish({ status: 'failed', reason: `cannot start: ${e.message}`.slice(0, 300) }));
    child.on('close', (code, signal) => {
      // Children the program left behind in its group go with it.
      killGroup();
      if (timedOut)
        finish({ status: 'timeout', signal: signal ?? 'SIGKILL', reason: `killed after ${o.timeoutMs} ms` });
      else if (code === 0) finish({ status: 'ok', exitCode: 0 });
      else
        finish({
          status: 'failed',
          ...(code === null ? { signal: signal ?? undefined, reason: `ended by ${signal}` } : { exitCode: code }),
        });
    });
  });
}
