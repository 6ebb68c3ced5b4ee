import { AGENT_VERSION, type DeviceInfo, type SystemPort } from '@outpost/agent';

const MODELS = [
  { model: 'gw-200', firmware: ['2.0.3', '2.1.0', '2.1.4'] },
  { model: 'gw-300', firmware: ['3.4.1', '3.5.0'] },
  { model: 'rtr-lte-5', firmware: ['5.2.9', '5.3.1', '5.3.2'] },
  { model: 'ser-2x', firmware: ['1.9.0', '1.10.2'] },
];
export const SITES = ['north', 'south', 'east', 'west'];

/** A small deterministic PRNG (mulberry32), so a device looks the same every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function profileOf(index: number) {
  const r = prng(index * 7919 + 1);
  const m = MODELS[Math.floor(r() * MODELS.length)];
  return {
    model: m.model,
    firmware: m.firmware[Math.floor(r() * m.firmware.length)],
    site: SITES[Math.floor(r() * SITES.length)],
    serial: `SN${(100000 + index).toString()}`,
    seed: index,
    /** The agent version the device runs (an agent release changes it). */
    agentVersion: AGENT_VERSION,
  };
}

/** A virtual device whose metrics wander like a real gateway's; reboot is a new boot id. */
export function createSimSystem(profile: ReturnType<typeof profileOf>, onReboot: () => Promise<void>): SystemPort {
  const r = prng(profile.seed * 31 + 7);
  let boot = 1;
  const bootedAt = Date.now();
  let cpu = 5 + r() * 20;
  let mem = 30 + r() * 30;
  const disk = 20 + r() * 50;
  let temp = 40 + r() * 15;
  let signal = -60 - r() * 40;
  let rx = 0;
  let tx = 0;
  const walk = (v: number, step: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v + (r() - 0.5) * step));
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    info: (): DeviceInfo => ({
      model: profile.model,
      firmware: profile.firmware,
      serial: profile.serial,
      hostname: profile.serial.toLowerCase(),
      bootId: `boot-${profile.seed}-${boot}`,
    }),
    metrics() {
      cpu = walk(cpu, 10, 0, 100);
      mem = walk(mem, 4, 5, 98);
      temp = walk(temp, 2, 20, 90);
      signal = walk(signal, 4, -120, -40);
      rx += Math.floor(r() * 50_000);
      tx += Math.floor(r() * 20_000);
      return {
        uptimeS: Math.floor((Date.now() - bootedAt) / 1000),
        cpuPct: round(cpu),
        memUsedPct: round(mem),
        diskUsedPct: round(disk),
        temperatureC: round(temp),
        signalDbm: round(signal),
        interfaces: [{ name: 'wwan0', up: true, rxBytes: rx, txBytes: tx }],
      };
    },
    async reboot() {
      boot++;
      await onReboot();
    },
  };
}
