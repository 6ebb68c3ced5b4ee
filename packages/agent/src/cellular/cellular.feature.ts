import { SCHEMA_VERSION, type CellModem, type CellularMessage, type GeoFix } from '@outpost/protocol';
import type { AgentFeature, FeatureContext } from '../core/feature.js';
import { foldReading, newCounterState, type CounterState, type KernelReading } from './byte-counters.js';
import type { ModemReader } from './modem.reader.js';

/** Where the counter state lives between readings (a JSON file on a device, memory in tests). */
export interface CounterStateStore {
  load(): Promise<CounterState | null>;
  save(state: CounterState): Promise<void>;
}

export interface CellularOptions {
  modems: ModemReader;
  /** Told the serving signal (dBm) after each reading, or undefined when no modem gives one. */
  onSignal?(dbm: number | undefined): void;
  /** Kernel byte counters of the interfaces to count, given the modems' data interfaces. */
  counters(modemInterfaces: string[]): KernelReading[];
  bootId(): string;
  state: CounterStateStore;
  /** The current GNSS fix, if any. */
  location(): GeoFix | undefined;
  /** Seconds between reports on the `cellular` topic. */
  intervalS: number;
  stopLocation?(): void;
}

/**
 * The serving signal of the first modem that gives one, in dBm, as health rules judge it: RSRP on
 * 5G NR and LTE, else RSSI on 3G and 2G.
 */
export function signalDbmOf(modems: CellModem[]): number | undefined {
  for (const m of modems) {
    const s = m.signal;
    const dbm = s?.nr5g?.rsrp ?? s?.lte?.rsrp ?? s?.umts?.rssi ?? s?.gsm?.rssi;
    if (dbm !== undefined) return dbm;
  }
  return undefined;
}

/**
 * Reports modems, SIMs, signal, data counters and position. Counters are folded and saved
 * at every reading, online or not, so the totals a later report carries include the offline time.
 */
export function createCellularFeature(o: CellularOptions): AgentFeature {
  let state: CounterState | null = null;
  let timer: { cancel(): void } | null = null;

  async function reading(ctx: FeatureContext): Promise<CellularMessage> {
    const modems = await o.modems.read();
    o.onSignal?.(signalDbmOf(modems));
    const bootId = o.bootId();
    state ??= (await o.state.load()) ?? newCounterState(bootId);
    const interfaces = modems.map((m) => m.interface).filter((i): i is string => i !== undefined);
    const totals = foldReading(state, bootId, o.counters(interfaces));
    await o.state.save(state);
    const msg: CellularMessage = {
      v: SCHEMA_VERSION,
      ts: ctx.clock.now(),
      modems,
      counters: { epoch: state.epoch, interfaces: totals },
    };
    const fix = o.location();
    if (fix) msg.location = fix;
    return msg;
  }

  async function tick(ctx: FeatureContext) {
    const msg = await reading(ctx);
    if (!ctx.online()) return;
    try {
      await ctx.publish('cellular', msg, 1);
    } catch {
      // Offline after all: the totals are saved; the next report carries them.
    }
  }

  function loop(ctx: FeatureContext, ms: number) {
    timer = ctx.clock.setTimeout(() => {
      void tick(ctx)
        .catch((err: unknown) => ctx.logger.warn('cellular report failed', { error: String(err) }))
        .finally(() => timer && loop(ctx, o.intervalS * 1000));
    }, ms);
  }

  return {
    name: 'cellular',
    commands: {
      // An operator's "what does the modem say now", without waiting for the next report.
      'cellular.read': async (_args, ctx) => reading(ctx),
    },
    start(ctx) {
      loop(ctx, 1000);
    },
    onConnected(ctx) {
      // A fresh report as soon as the link is up, then on the interval.
      timer?.cancel();
      loop(ctx, 0);
    },
    stop() {
      const t = timer;
      timer = null;
      t?.cancel();
      o.stopLocation?.();
    },
  };
}
