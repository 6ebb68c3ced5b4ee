import type { AgentFeature } from '../core/feature.js';
import type { AgentLogger, Clock } from '../core/ports.js';
import { createCellularFeature } from './cellular.feature.js';
import { createFileCounterStore } from './counter-state.file.js';
import { createGpsdClient } from './gpsd.client.js';
import { CELLULAR_INTERFACE, readBootId, readInterfaceCounters } from './linux-counters.js';
import { createMmcliRunner, createModemReader } from './modem.reader.js';

export interface LinuxCellularOptions {
  /** The counter state file (`<dir>/cellular-counters.json`). */
  stateFile: string;
  intervalS: number;
  clock: Clock;
  logger: AgentLogger;
  mmcli?: string;
  /** gpsd's address; false leaves location out. */
  gpsd?: { host: string; port: number } | false;
  sysNet?: string;
  bootIdFile?: string;
  /** Told the serving signal after each reading (the health samples carry it). */
  onSignal?(dbm: number | undefined): void;
}

/** The cellular feature on a Linux gateway: ModemManager, /sys/class/net counters, gpsd. */
export function createLinuxCellularFeature(o: LinuxCellularOptions): AgentFeature {
  // One warning per distinct failure: a device without ModemManager would otherwise log every interval.
  const warned = new Set<string>();
  const modems = createModemReader(createMmcliRunner(o.mmcli), (what, err) => {
    const text = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    if (warned.size < 64 && !warned.has(text)) {
      warned.add(text);
      o.logger.warn('cellular reading failed', { what, error: text });
    }
  });
  const gps = o.gpsd === false ? null : createGpsdClient({ ...(o.gpsd ?? {}), clock: o.clock });
  return createCellularFeature({
    modems,
    onSignal: o.onSignal,
    counters: (own) =>
      readInterfaceCounters(o.sysNet ?? '/sys/class/net', (n) => own.includes(n) || CELLULAR_INTERFACE.test(n)),
    bootId: () => readBootId(o.bootIdFile),
    state: createFileCounterStore(o.stateFile),
    location: () => gps?.fix(),
    intervalS: o.intervalS,
    stopLocation: () => gps?.stop(),
  });
}
