export { startSimulation, enrollFleet, type SimOptions, type Simulation } from './simulation.js';
export type { SimDevice } from './sim-device.js';
export { createSimSystem, profileOf, prng, SITES } from './sim-system.js';
export { defaultSimFeatures } from './sim-features.js';
export type { SimDeviceContext } from './sim-device-context.js';
export { simSettingsOf, simSettingsFeature, initialSettings } from './sim-settings.js';
export { startWorkers, type WorkerFleet } from './sim-workers.js';
export type { Scenarios } from './sim-scenarios.js';
export type { SlowLink } from './slow-link.js';
export { simAccessFeature, exposeSimService, createSimConsole } from './sim-access.js';
export {
  simTraffic,
  simTrafficFeature,
  createSimFlowSource,
  dailyShape,
  type SimTrafficControl,
} from './sim-traffic.js';
export { simUpdatesFeature, simUpdateFaults, simUpdateKnobs, type SimUpdateKnobs } from './sim-updates.js';
export { simCellularFeature, SIM_CARRIERS, routePosition, simRsrp } from './sim-cellular.js';
export { simDiagnosticsFeature, SIM_DIAGNOSTICS, SIM_DIAGNOSTIC_PARAMS } from './sim-diagnostics.js';
export { simDataFeature, simProcessOf } from './sim-data.js';
export { createSimProcess, type SimProcess, type SimProcessOptions } from './sim-process.js';
export { cuttableTransport, type CuttableTransport } from './link-cut.js';
