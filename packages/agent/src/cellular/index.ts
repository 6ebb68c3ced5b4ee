export { createCellularFeature, type CellularOptions, type CounterStateStore } from './cellular.feature.js';
export { createModemReader, createMmcliRunner, type ModemReader, type MmcliRunner } from './modem.reader.js';
export { createGpsdClient, fixFromTpv, type GpsdClient } from './gpsd.client.js';
export { ratOf, parseModem, parseSim, parseSignal, parseBearer, parseModemList } from './mmcli.parse.js';
export { foldReading, counterDelta, newCounterState, type CounterState, type KernelReading } from './byte-counters.js';
export { readInterfaceCounters, readBootId, CELLULAR_INTERFACE } from './linux-counters.js';
export { createFileCounterStore } from './counter-state.file.js';
export { createLinuxCellularFeature, type LinuxCellularOptions } from './linux-cellular.js';
