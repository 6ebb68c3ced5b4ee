export { createFlowsFeature, type FlowsOptions } from './flows.feature.js';
export { createLinuxFlowSource } from './linux-flow.source.js';
export { parseProcNetDev, parseProcNetSockets, parseConntrack } from './proc-net.parser.js';
export type { FlowSource, InterfaceCounters, SocketEntry, ConnectionCounters } from './flow-source.js';
