import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { ReadmeCommand } from './readme-commands.js';

const COMMAND_MS = 90_000;
const READY_MS = 120_000;

/** A README command started in its own process group, with the last of its output. */
export interface Started {
  command: ReadmeCommand;
  child: ChildProcess;
  output: () => string;
}

export const where = (c: ReadmeCommand) => `README.md:${c.line} (${c.section}): \`${c.text}\``;

export const freePort = () =>
  new Promise<number>((done) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => done(port));
    });
  });

export function startShell(c: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Started {
  const child = spawn('bash', ['-c', c.text], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const keep = (b: Buffer) => {
    text = (text + b.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { command: c, child, output: () => text };
}

function exited(s: Started, ms: number): Promise<number | string> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve(s.child.exitCode ?? 'killed');
  return new Promise((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${where(s.command)} still running after ${ms} ms:\n${s.output()}`)),
      ms,
    );
    s.child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done(code ?? `signal ${signal}`);
    });
  });
}

/** Runs a command to its end; it must exit 0. Returns what it printed (stdout and stderr). */
export async function runForeground(c: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const s = startShell(c, cwd, env);
  let code: number | string;
  try {
    code = await exited(s, COMMAND_MS);
  } catch (e) {
    await stop(s);
    throw e;
  }
  assert.equal(code, 0, `${where(c)} exited ${code}:\n${s.output()}`);
  return s.output();
}

/** Waits until a background command prints what says it is ready; fails if it exits or takes too long. */
export async function waitReady(s: Started, ready: RegExp): Promise<void> {
  const deadline = Date.now() + READY_MS;
  while (!ready.test(s.output())) {
    if (s.child.exitCode !== null)
      assert.fail(`${where(s.command)} exited ${s.child.exitCode} before ${ready}:\n${s.output()}`);
    if (Date.now() > deadline)
      assert.fail(`${where(s.command)} did not print ${ready} within ${READY_MS} ms:\n${s.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops a background command and everything it started (its process group): SIGTERM, then SIGKILL. */
export async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const group = -s.child.pid!;
  try {
    process.kill(group, 'SIGTERM');
  } catch {
    return;
  }
  await exited(s, 20_000).catch(() => process.kill(group, 'SIGKILL'));
}

/** Runs an `export …` line the way a shell keeps it: its variables join the environment of later commands. */
export async function exportInto(c: ReadmeCommand, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const dump = await runForeground({ ...c, text: `${c.text} && env -0` }, cwd, env);
  for (const entry of dump.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
}
