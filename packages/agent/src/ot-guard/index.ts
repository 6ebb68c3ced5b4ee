// Inline OT guards: Modbus TCP and DNP3 TCP proxies, Modbus RTU serial bridge.
export { createModbusTcpProxy } from './modbus-tcp.proxy.js';
export { createDnp3TcpProxy } from './dnp3-tcp.proxy.js';
export { createModbusRtuBridge, type ModbusRtuBridge, type ModbusRtuBridgeOptions } from './modbus-rtu.bridge.js';
export { openSerialPort } from './serial-port.opener.js';
export type { GuardProxy, GuardProxyOptions } from './ot-guard.types.js';
export type { Endpoint } from './tcp-relay.server.js';
