import { existsSync, readFileSync, readdirSync, statfsSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { execFile } from 'node:child_process';
import type { DeviceInfo, SystemPort } from '../core/ports.js';

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function cpuTimes(): { idle: number; total: number } | null {
  const line = read('/proc/stat')?.split('\n')[0];
  if (!line?.startsWith('cpu ')) return null;
  const n = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { idle, total: n.reduce((a, b) => a + b, 0) };
}

function memUsedPct(): number {
  const info = read('/proc/meminfo') ?? '';
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  const total = kb('MemTotal');
  return total ? round(((total - kb('MemAvailable')) / total) * 100) : 0;
}

function diskUsedPct(path: string): number {
  try {
    const s = statfsSync(path);
    return s.blocks ? round(((s.blocks - s.bavail) / s.blocks) * 100) : 0;
  } catch {
    return 0;
  }
}

function temperature(): number | undefined {
  const dir = '/sys/class/thermal';
  if (!existsSync(dir)) return undefined;
  for (const zone of readdirSync(dir).filter((z) => z.startsWith('thermal_zone'))) {
    const milli = Number(read(`${dir}/${zone}/temp`));
    if (milli) return round(milli / 1000);
  }
  return undefined;
}

function interfaces() {
  const lines = (read('/proc/net/dev') ?? '').split('\n').slice(2);
  const out = [];
  for (const l of lines) {
    const [name, rest] = l.split(':');
    if (!rest || name.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    const oper = read(`/sys/class/net/${name.trim()}/operstate`)?.trim();
    out.push({ name: name.trim().slice(0, 32), up: oper !== 'down', rxBytes: f[0] ?? 0, txBytes: f[8] ?? 0 });
  }
  return out.slice(0, 32);
}

const round = (n: number) => Math.round(n * 10) / 10;

/** The real device: metrics from /proc and /sys, reboot through the configured command. */
export function createLinuxSystem(o: {
  model: string;
  firmware: string;
  serial?: string;
  rebootCommand?: string[];
  diskPath?: string;
}): SystemPort {
  let last = cpuTimes();
  const bootId = read('/proc/sys/kernel/random/boot_id')?.trim() ?? `boot-${Date.now()}`;
  const ip = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  return {
    info: (): DeviceInfo => ({
      model: o.model,
      firmware: o.firmware,
      serial: o.serial,
      hostname: hostname().slice(0, 128),
      ip,
      bootId,
    }),
    metrics() {
      const now = cpuTimes();
      let cpuPct = 0;
      if (now && last && now.total > last.total)
        cpuPct = round((1 - (now.idle - last.idle) / (now.total - last.total)) * 100);
      last = now;
      const uptime = Number((read('/proc/uptime') ?? '0').split(' ')[0]);
      const load1 = Number((read('/proc/loadavg') ?? '0').split(' ')[0]);
      const t = temperature();
      return {
        uptimeS: uptime,
        cpuPct: Math.min(100, Math.max(0, cpuPct)),
        memUsedPct: memUsedPct(),
        diskUsedPct: diskUsedPct(o.diskPath ?? '/'),
        load1,
        ...(t !== undefined && t > -100 && t < 200 ? { temperatureC: t } : {}),
        interfaces: interfaces(),
      };
    },
    reboot() {
      const cmd = o.rebootCommand;
      if (!cmd || cmd.length === 0) return Promise.reject(new Error('no reboot command configured'));
      return new Promise((resolve, reject) => execFile(cmd[0], cmd.slice(1), (err) => (err ? reject(err) : resolve())));
    },
  };
}
