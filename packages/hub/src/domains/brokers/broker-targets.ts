import type { BrokerEndpoint } from '../../mqtt/broker-endpoints.js';

/** The hub's broker an operator named: by name (`broker-2`, `?name=`) or by its device-facing URL; null if none. */
export function findBroker(brokers: readonly BrokerEndpoint[], named: string): BrokerEndpoint | null {
  const n = named.trim();
  return brokers.find((b) => b.name === n || b.deviceUrl === n) ?? null;
}
