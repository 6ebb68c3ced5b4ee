// Inline OT guards: Modbus TCP, DNP3 TCP and IEC 61850 MMS proxies, Modbus RTU and DNP3 serial bridges.
export { createModbusTcpProxy } from './modbus-tcp.proxy.js';
export { createDnp3TcpProxy } from './dnp3-tcp.proxy.js';
export { createMmsTcpProxy } from './mms-tcp.proxy.js';
export { createModbusRtuBridge, type ModbusRtuBridge, type ModbusRtuBridgeOptions } from './modbus-rtu.bridge.js';
export { createDnp3SerialBridge, type Dnp3SerialBridge, type Dnp3SerialBridgeOptions } from './dnp3-serial.bridge.js';
export { openSerialPort } from './serial-port.opener.js';
export type { GuardProxy, GuardProxyOptions } from './ot-guard.types.js';
export type { Endpoint } from './tcp-relay.server.js';
export {
  createGuardFeature,
  type GuardFeature,
  type GuardFeatureOptions,
  type GuardFeatureStatus,
} from './guard.feature.js';
export { parseGuardSpec, guardName, GUARD_SPEC_HELP, type GuardSpec } from './guard-spec.js';
export { createFileGuardState, createMemoryGuardState, type GuardStateStore } from './guard-state.store.js';
export { createConsoleTap, type ConsoleTap, type ConsoleSessionStats } from './console.tap.js';
export {
  createSubstationMonitorFeature,
  type SubstationMonitorFeature,
  type SubstationMonitorOptions,
} from './substation-monitor.feature.js';
// Offline capture analysis for `outpost guard inspect`, which reaches the guard package through the agent.
export {
  inspectCapture,
  monitorPolicy,
  type GuardPolicy,
  type InspectionReport,
  type InspectionRow,
} from '@outpost/guard';
