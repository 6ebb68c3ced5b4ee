// Building, unpacking and watching the packaged agent: shared by its end-to-end test and the
// footprint benchmark (bench/agent-footprint.bench.ts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../../..');

export interface AgentPackage {
  version: string;
  bundleBytes: number;
  tarball: string;
  tarballBytes: number;
  executable?: string;
  executableBytes?: number;
  metafile: string;
}

/** Runs `scripts/package-agent.mjs` into `outDir` and returns what it built. */
export function packageAgent(outDir: string, o: { sea: boolean; version?: string; entry?: string }): AgentPackage {
  const args = [
    join(repoRoot, 'scripts/package-agent.mjs'),
    '--out',
    outDir,
    '--json',
    ...(o.sea ? [] : ['--no-sea']),
    ...(o.version ? ['--version', o.version] : []),
    ...(o.entry ? ['--entry', o.entry] : []),
  ];
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`packaging failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as AgentPackage;
}

/** Unpacks the release tarball into `dir` and returns the release's own directory. */
export function unpack(tarball: string, dir: string): string {
  const r = spawnSync('tar', ['-xzf', tarball, '-C', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tar failed: ${r.stderr}`);
  return join(
    dir,
    readdirSync(dir).find((n) => n.startsWith('outpost-agent-'))!,
  );
}

/** The nearest node_modules directory at or above `dir`, if any (a bundle must not need one). */
export function nodeModulesAbove(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return null;
  }
}

/** One TCP socket a process holds: its local port and its state (hex, as the kernel writes it: 0A listening). */
export interface ProcessTcpSocket {
  localPort: number;
  state: string;
}

/** The TCP sockets a process holds: its socket inodes (/proc/PID/fd) found in its tcp tables (/proc/PID/net). */
export function tcpSocketsOf(pid: number): ProcessTcpSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // the descriptor closed while we looked
    }
  }
  const sockets: ProcessTcpSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9])) sockets.push({ localPort: parseInt(f[1].split(':')[1], 16), state: f[3] });
    }
  }
  return sockets;
}

/** TCP ports a process listens on. */
export function listeningPorts(pid: number): number[] {
  const ports = new Set(tcpSocketsOf(pid).flatMap((s) => (s.state === '0A' ? [s.localPort] : [])));
  return [...ports].sort((a, b) => a - b);
}

/** Resident memory of a process in KiB (/proc/PID/status VmRSS). */
export function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** Idle RSS: the median of five samples taken over two seconds, once the start-up has settled. */
export async function idleRssKb(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 400));
    samples.push(rssKb(pid));
  }
  return samples.sort((a, b) => a - b)[2];
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface AgentProcess {
  proc: ChildProcess;
  pid: number;
  startedAt: number;
  output(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts an agent command with only the environment given (no inherited PATH unless passed). */
export function startAgent(command: string, args: string[], env: Record<string, string>): AgentProcess {
  const startedAt = Date.now();
  const proc = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  proc.stdout!.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-20_000)));
  proc.stderr!.on('data', (c: Buffer) => (text = (text + c.toString()).slice(-20_000)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    pid: proc.pid!,
    startedAt,
    output: () => text,
    async waitFor(pattern, ms = 60_000) {
      const until = Date.now() + ms;
      while (!pattern.test(text)) {
        if (proc.exitCode !== null) throw new Error(`agent exited (${proc.exitCode}) before ${pattern}: ${text}`);
        if (Date.now() > until) throw new Error(`no ${pattern} within ${ms} ms: ${text.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/**
 * Writes a just-built file out and drops it from the page cache, so it runs as an installed binary
 * does after a boot. Otherwise every page of the fresh file is cached, the kernel maps cached
 * neighbours of each page the program touches, and RSS shows ~10 MB of the executable it never used.
 */
export function dropFromPageCache(file: string): void {
  const r = spawnSync('dd', [`of=${file}`, 'oflag=nocache', 'conv=notrunc,fdatasync', 'count=0'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dd could not drop ${file} from the page cache: ${r.stderr}`);
}
