import { HealthMessage } from '@outpost/protocol';

// Every numeric field of the device health message is a metric rules can name. The list comes
// from the protocol schema, so a field added there becomes usable here without another edit.
export const HEALTH_METRICS: readonly string[] = Object.entries(HealthMessage.properties)
  .filter(
    ([key, schema]) =>
      key !== 'ts' && key !== 'v' && ['number', 'integer'].includes((schema as { type?: string }).type ?? ''),
  )
  .map(([key]) => key);

// The words operators use for the common ones.
const ALIASES: Record<string, string> = {
  cpu: 'cpuPct',
  memory: 'memUsedPct',
  mem: 'memUsedPct',
  disk: 'diskUsedPct',
  temperature: 'temperatureC',
  temp: 'temperatureC',
  signal: 'signalDbm',
  load: 'load1',
  uptime: 'uptimeS',
};

/** The health field a metric name means, or null when there is no such metric. */
export function resolveMetric(name: string): string | null {
  if (HEALTH_METRICS.includes(name)) return name;
  const alias = ALIASES[name.toLowerCase()];
  return alias && HEALTH_METRICS.includes(alias) ? alias : null;
}

export function knownMetricNames(): string[] {
  return [...HEALTH_METRICS, ...Object.keys(ALIASES)];
}

/** A numeric value from a stored health report, or null when the device does not report it. */
export function metricValue(health: Record<string, unknown> | null, metric: string): number | null {
  const v = health?.[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
