import type { SimDevice } from './sim-device.js';

export interface Scenarios {
  /** Every device at a site loses power for `ms`, then boots again (links drop without a goodbye). */
  sitePowerLoss(site: string, ms: number): Promise<number>;
  /** A cellular outage: a share of devices (or one site) loses its link for `ms`, buffering events. */
  regionalOutage(opts: { share?: number; site?: string; ms: number }): Promise<number>;
  /** The link alone goes: devices keep running and reading, and deliver what they kept when it returns. */
  linkLoss(opts: { share?: number; site?: string; ms: number }): Promise<number>;
  stop(): void;
}

/** Scripted and random misbehaviour of a simulated fleet. */
export function createScenarios(
  devices: SimDevice[],
  rand: () => number,
  o: { dropPerMinute: number; rebootPerHour: number },
): Scenarios {
  const timers: NodeJS.Timeout[] = [];
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(fn, ms);
    t.unref();
    timers.push(t);
  };
  const down = async (chosen: SimDevice[], ms: number) => {
    await Promise.all(chosen.map((d) => d.agent.stop({ clean: false })));
    // Coming back is spread over a second, as power and radio return unevenly.
    for (const d of chosen) later(() => d.agent.start(), ms + rand() * 1000);
    return chosen.length;
  };
  if (o.dropPerMinute > 0 || o.rebootPerHour > 0) {
    const tick = setInterval(() => {
      for (const d of devices) {
        if (d.agent.state() !== 'online') continue;
        const r = rand();
        if (r < o.dropPerMinute / 12) void d.agent.dropLink();
        else if (r < o.dropPerMinute / 12 + o.rebootPerHour / 720) void down([d], 2000 + rand() * 3000);
      }
    }, 5000);
    tick.unref();
    timers.push(tick);
  }
  return {
    sitePowerLoss: (site, ms) =>
      down(
        devices.filter((d) => d.site === site),
        ms,
      ),
    regionalOutage: ({ share, site, ms }) =>
      down(
        devices.filter((d) => (site ? d.site === site : rand() < (share ?? 0.1))),
        ms,
      ),
    async linkLoss({ share, site, ms }) {
      const chosen = devices.filter((d) => (site ? d.site === site : rand() < (share ?? 0.1)));
      await Promise.all(chosen.map((d) => d.cutLink(ms)));
      return chosen.length;
    },
    stop() {
      for (const t of timers.splice(0)) clearTimeout(t);
    },
  };
}
