import { spawn } from 'node:child_process';

export interface BoundedCommandOptions {
  /** Names the command in error messages, e.g. `settings read command`. */
  label: string;
  /** Written to the command's stdin (which is closed either way). */
  input?: string;
  timeoutMs: number;
  /** Most bytes the command may print on stdout (and on stderr). */
  maxBytes: number;
}

export interface BoundedCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

const size = (n: number) => (n % 1048576 === 0 ? `${n / 1048576} MiB` : `${n} bytes`);

/**
 * Runs a command (argv, no shell) and resolves with its exit code and output, whatever the code.
 * Rejects, with a message naming the command and never its input, when it cannot start, runs
 * past the timeout or prints too much; the command and anything it started are killed then.
 */
export function runBoundedCommand(cmd: string[], o: BoundedCommandOptions): Promise<BoundedCommandResult> {
  const name = `${o.label} ${cmd[0]}`;
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout also ends what a wrapper script started.
    const child = spawn(cmd[0], cmd.slice(1), { detached: true, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const sizes = [0, 0];
    let failure: string | null = null;
    const stop = (why: string) => {
      failure ??= why;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      // Grandchildren that escaped the group may still hold the pipes open.
      child.stdout.destroy();
      child.stderr.destroy();
    };
    const collect = (into: Buffer[], i: number) => (b: Buffer) => {
      sizes[i] += b.length;
      if (sizes[i] > o.maxBytes) stop(`${name} printed more than ${size(o.maxBytes)}`);
      else into.push(b);
    };
    child.stdout.on('data', collect(out, 0));
    child.stderr.on('data', collect(err, 1));
    const timer = setTimeout(() => stop(`${name} timed out after ${o.timeoutMs / 1000} s`), o.timeoutMs);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(`${name} could not run (${e.code ?? e.message})`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure) return reject(new Error(failure));
      if (code === null) return reject(new Error(`${name} was killed by ${signal}`));
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // A command that exits without reading its input must not fail the write to it.
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
  });
}
