import type { Endpoint } from './tcp-relay.server.js';

// Where a field device sits, as the hub shows it: "tcp:10.0.0.5:502", "rtu:/dev/ttyS1",
// "serial:/dev/ttyS2" (DNP3 on a serial line).

export function tcpInterface(e: Endpoint): string {
  return `tcp:${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
}

export function serialInterface(kind: 'rtu' | 'serial', path: string): string {
  return `${kind}:${path}`;
}
