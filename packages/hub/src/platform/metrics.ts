import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type HubMetrics = ReturnType<typeof createMetrics>;

/** Prometheus metrics served at /metrics. One registry per hub, so tests can run several. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'outpost_hub_' });
  return {
    registry,
    deviceMessages: new Counter({
      name: 'outpost_device_messages_total',
      help: 'Device messages received',
      labelNames: ['topic'],
      registers: [registry],
    }),
    rejectedMessages: new Counter({
      name: 'outpost_device_messages_rejected_total',
      help: 'Device messages rejected',
      labelNames: ['reason'],
      registers: [registry],
    }),
    connectedDevices: new Gauge({
      name: 'outpost_devices_connected',
      help: 'Devices connected to the embedded broker',
      registers: [registry],
    }),
    deviceHandshakes: new Counter({
      name: 'outpost_device_tls_handshakes_total',
      help: 'Device TLS connections reaching MQTT, by whether they resumed an earlier session',
      labelNames: ['resumed'],
      registers: [registry],
    }),
    refusedConnections: new Counter({
      name: 'outpost_device_connections_refused_total',
      help: 'Device connections refused',
      labelNames: ['reason'],
      registers: [registry],
    }),
    httpRequests: new Histogram({
      name: 'outpost_http_request_duration_seconds',
      help: 'REST API request duration',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
