import { bad, judged, type DataSource, type PointReporting, type Sample } from '@outpost/agent';
import type { DataPointDefinition } from '@outpost/protocol';

// A small water site as a simulated device sees it through its PLC: a tank filled by a pump that
// starts at low level and stops at high level, drained by a demand that follows the day, the
// pump's discharge pressure, and a standby generator's fuel. Simulated time runs `speed` times
// faster than real time, so a fill-and-drain cycle takes minutes. Faults: the level transmitter
// goes bad for a while, and the PLC stops answering (every point bad, `comm-lost`).

export interface SimProcessOptions {
  random: () => number;
  /** Simulated seconds per real second. Default 60. */
  speed?: number;
  /** Real milliseconds between readings. Default 2000. */
  pollMs?: number;
  /** Chance per reading of a level sensor fault, and of a PLC comm loss. Defaults 0.002 and 0.001. */
  sensorFaultChance?: number;
  commLossChance?: number;
  now?: () => number;
}

export interface SimProcess extends DataSource {
  /** Scripted faults: the level transmitter is bad, or the PLC does not answer, for `ms` of real time. */
  fault(kind: 'sensor' | 'comm', ms: number): void;
  /** Advances the model to now and reads every point once. */
  read(): Sample[];
  /** The model's state now (for tests and the operator's curiosity). */
  state(): { level: number; pumpRun: boolean; fuel: number };
}

const AREA_M2 = 20;
const LOW_M = 2;
const HIGH_M = 7;
const DAY_S = 86_400;

const POINTS: Array<DataPointDefinition & PointReporting> = [
  { p: 'tank.level', type: 'number', unit: 'm', description: 'Tank 1 level', deadband: 0.02 },
  { p: 'pump1.run', type: 'boolean', description: 'Inflow pump 1 running' },
  { p: 'flow.in', type: 'number', unit: 'm3/h', description: 'Inflow', deadband: 0.5 },
  { p: 'flow.out', type: 'number', unit: 'm3/h', description: 'Outflow to the network', deadband: 0.5 },
  { p: 'pressure.discharge', type: 'number', unit: 'bar', description: 'Pump 1 discharge pressure', deadband: 0.05 },
  { p: 'generator.fuel', type: 'number', unit: '%', description: 'Standby generator fuel', deadband: 0.5 },
];

export function createSimProcess(o: SimProcessOptions): SimProcess {
  const now = o.now ?? Date.now;
  const speed = o.speed ?? 60;
  const rand = o.random;
  const noise = (amp: number) => (rand() - 0.5) * 2 * amp;
  let level = 2 + rand() * 5;
  let pumpRun = rand() < 0.5;
  let fuel = 40 + rand() * 55;
  let simS = rand() * DAY_S;
  let last = now();
  let sensorBadUntil = 0;
  let commLostUntil = 0;
  let timer: NodeJS.Timeout | null = null;
  const round = (v: number, d: number) => Number(v.toFixed(d));

  function step(): Sample[] {
    const t = now();
    const dtS = ((t - last) / 1000) * speed;
    last = t;
    simS += dtS;
    const hour = (simS % DAY_S) / 3600;
    // Demand: low at night, peaks in the morning and evening.
    const demand =
      22 + 8 * Math.max(0, Math.sin(((hour - 5) / 24) * 2 * Math.PI)) + 4 * Math.sin((hour / 12) * Math.PI) ** 2;
    const qOut = Math.max(0, demand + noise(1.5));
    const qIn = pumpRun ? 48 + noise(2) : 0;
    level = Math.min(8, Math.max(0, level + ((qIn - qOut) / AREA_M2) * (dtS / 3600)));
    if (level < LOW_M) pumpRun = true;
    if (level > HIGH_M) pumpRun = false;
    fuel -= (0.2 * dtS) / 3600;
    if (fuel < 15) fuel = 95; // the tanker came
    const pressure = pumpRun ? 4.2 - 0.01 * (qIn - 48) + noise(0.05) : 0.3 + noise(0.02);
    if (t < commLostUntil) return POINTS.map((p) => bad(p.p, 'comm-lost', t));
    if (rand() < (o.commLossChance ?? 0.001)) commLostUntil = t + (o.pollMs ?? 2000) * (5 + Math.floor(rand() * 20));
    if (rand() < (o.sensorFaultChance ?? 0.002))
      sensorBadUntil = t + (o.pollMs ?? 2000) * (10 + Math.floor(rand() * 30));
    const v: Record<string, number | boolean> = {
      'tank.level': round(level + noise(0.005), 3),
      'pump1.run': pumpRun,
      'flow.in': round(qIn, 1),
      'flow.out': round(qOut, 1),
      'pressure.discharge': round(pressure, 2),
      'generator.fuel': round(fuel, 1),
    };
    return POINTS.map((p) =>
      p.p === 'tank.level' && t < sensorBadUntil
        ? bad(p.p, 'sensor-fault', t)
        : judged(
            { ...p, min: p.p === 'tank.level' ? 0 : undefined, max: p.p === 'tank.level' ? 8 : undefined },
            v[p.p],
            t,
          ),
    );
  }

  return {
    name: 'simulated PLC',
    defs: () => POINTS.map(({ deadband: _d, ...d }) => ({ ...d, source: 'simulated PLC' })),
    reporting: () => POINTS.map((p) => ({ p: p.p, ...(p.deadband ? { deadband: p.deadband } : {}) })),
    start(emit) {
      last = now();
      emit(step());
      timer = setInterval(() => emit(step()), o.pollMs ?? 2000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    fault(kind, ms) {
      if (kind === 'sensor') sensorBadUntil = now() + ms;
      else commLostUntil = now() + ms;
    },
    read: step,
    state: () => ({ level, pumpRun, fuel }),
  };
}
