import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { Duplex } from 'node:stream';

export interface ConsoleOptions {
  /** Shell or restricted command console, run through `sh -c` inside the terminal. */
  command: string;
  /** Run it as this local user (the agent must be root to switch). */
  user?: string;
  env?: Record<string, string>;
}

export interface ConsoleProcess {
  stream: Duplex;
  resize(cols: number, rows: number): void;
  kill(): void;
  pid: number | undefined;
}

function passwdEntry(user: string): { uid: number; gid: number; home: string } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[0] === user);
  if (!line) throw new Error(`console user "${user}" does not exist`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] || '/' };
}

/** The process `script` runs inside the terminal (its only child), found through /proc. */
function childOf(pid: number): number | null {
  try {
    const list = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (list.length) return Number(list[0]);
  } catch {
    // kernels without CONFIG_PROC_CHILDREN: scan below
  }
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

const clamp = (n: number) => Math.max(1, Math.min(1000, Math.floor(n)));
const setSize = (pts: string, cols: number, rows: number) =>
  spawnSync('stty', ['-F', pts, 'cols', String(clamp(cols)), 'rows', String(clamp(rows))], {
    timeout: 2000,
    stdio: 'ignore',
  });
// How long after the start a resize waits for the command to be running in the terminal.
const RESIZE_WAIT_MS = 5000;

/**
 * A console on a pseudo-terminal without native modules: util-linux `script` allocates the
 * pty and copies bytes between it and its stdin/stdout pipes. The size is set with `stty`
 * inside the terminal at start and with `stty -F <pts>` on resize, which makes the kernel send
 * SIGWINCH to the foreground program, as a terminal emulator would.
 */
export function spawnConsole(o: ConsoleOptions, size: { cols: number; rows: number }): ConsoleProcess {
  const who = o.user ? passwdEntry(o.user) : null;
  const inner = `stty cols ${clamp(size.cols)} rows ${clamp(size.rows)} 2>/dev/null; exec ${o.command}`;
  const child = spawn('script', ['-qfec', inner, '/dev/null'], {
    stdio: ['pipe', 'pipe', 'ignore'],
    detached: true,
    env: {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      HOME: who?.home ?? '/',
      ...o.env,
    },
    ...(who ? { uid: who.uid, gid: who.gid, cwd: who.home } : {}),
  });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  let pts: string | null = null;
  // The terminal, once the command runs in it. Until the shell inside has exec'd the command, its
  // own `stty` (the start size) may still be to come and would undo a resize made from outside.
  const ptsPath = () => {
    if (pts || !child.pid) return pts;
    const inside = childOf(child.pid);
    if (!inside) return null;
    try {
      // Empty while the process is between two programs (inside execve): not running yet either.
      const cmdline = readFileSync(`/proc/${inside}/cmdline`, 'utf8');
      if (!cmdline || cmdline.includes(inner)) return null;
      const p = readlinkSync(`/proc/${inside}/fd/0`);
      pts = p.startsWith('/dev/pts/') ? p : null;
    } catch {
      pts = null;
    }
    return pts;
  };
  let killed = false;
  // A resize that comes before the command runs (the browser fits its terminal just after opening)
  // is kept, the latest one only, and applied as soon as it does.
  const spawnedAt = Date.now();
  let wanted: { cols: number; rows: number } | null = null;
  let retry: NodeJS.Timeout | null = null;
  const applyWanted = () => {
    retry = null;
    if (!wanted || killed || child.exitCode !== null || child.signalCode !== null) return;
    const p = ptsPath();
    if (!p) {
      if (Date.now() - spawnedAt < RESIZE_WAIT_MS) retry = setTimeout(applyWanted, 20).unref();
      return;
    }
    const { cols, rows } = wanted;
    wanted = null;
    setSize(p, cols, rows);
    applied = { cols, rows };
    // Once, a moment later: if anything inside set the start size after all, the asked size wins.
    if (!confirmed) {
      confirmed = true;
      setTimeout(() => {
        if (wanted || killed || child.exitCode !== null) return;
        const now = spawnSync('stty', ['-F', p, 'size'], { timeout: 2000, encoding: 'utf8' }).stdout?.trim();
        const last = applied!;
        if (now && now !== `${clamp(last.rows)} ${clamp(last.cols)}`) setSize(p, last.cols, last.rows);
      }, 100).unref();
    }
  };
  // Only the first size applied is checked; later resizes come after the command runs.
  let confirmed = false;
  let applied: { cols: number; rows: number } | null = null;
  const kill = () => {
    if (killed || child.exitCode !== null || !child.pid) return;
    killed = true;
    // script leads its own process group; hang-up first, as a closed terminal would, then make sure.
    try {
      process.kill(-child.pid, 'SIGHUP');
    } catch {
      // exited meanwhile
    }
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 1000).unref();
  };
  child.once('close', () => {
    if (retry) clearTimeout(retry);
    stream.destroy();
  });
  stream.once('close', kill);
  return {
    stream,
    pid: child.pid,
    kill,
    resize(cols, rows) {
      wanted = { cols, rows };
      if (!retry) applyWanted();
    },
  };
}
