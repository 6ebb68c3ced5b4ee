export { startSimulation, type SimOptions, type Simulation } from './simulation.js';
export { createSimSystem, profileOf, prng } from './sim-system.js';
export { defaultSimFeatures, type SimDeviceContext } from './sim-features.js';
