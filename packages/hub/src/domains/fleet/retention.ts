import type { Clock } from '../../platform/clock.js';
import type { Logger } from '../../platform/logger.js';

const DAY_MS = 86_400_000;
// Sent notifications and report documents are bulky and rarely read after a few months.
const MESSAGE_DAYS = 30;
const REPORT_CONTENT_DAYS = 90;
// Cellular signal readings and hourly use: a month's chart and the usage spike rule's baseline.
const CELLULAR_HISTORY_DAYS = 35;

export interface RetentionPolicy {
  /** Raw health and traffic samples. */
  sampleDays: number;
  /** Hourly roll-ups and the record of report runs. */
  rollupDays: number;
  /** Device events, by the time the device gave them. */
  eventDays: number;
}

/**
 * Deletes what has aged out: raw samples and position history after days, hourly roll-ups after months, sent
 * notifications after a month, report documents after three (their run records stay as long as
 * roll-ups). Alerts and their history are kept: they are the record of what happened.
 */
type Deleter = (beforeIso: string) => Promise<number>;

/** What retention asks of the stores that keep monitoring data; each answers with the rows it deleted. */
export interface RetentionTargets {
  health: { deleteSamplesBefore: Deleter; deleteHourlyBefore: Deleter };
  traffic: { deleteSamplesBefore: Deleter; deleteHourlyBefore: Deleter };
  cellular: { deleteHistoryBefore: Deleter };
  outbox: { deleteOlderThan: Deleter };
  reports: { dropContentBefore: Deleter; deleteRunsBefore: Deleter };
  /** Each device's position history: kept as long as raw samples. */
  locations: { deleteBefore: Deleter };
  /** Device events (on PostgreSQL whole days are dropped). */
  events: { deleteBefore: Deleter };
}

export async function applyRetention(o: RetentionTargets & { clock: Clock; logger: Logger; policy: RetentionPolicy }) {
  const now = o.clock.now().getTime();
  const raw = new Date(now - o.policy.sampleDays * DAY_MS).toISOString();
  const rolled = new Date(now - o.policy.rollupDays * DAY_MS).toISOString();
  const days = (n: number) => new Date(now - Math.max(n, o.policy.sampleDays) * DAY_MS).toISOString();
  const deleted = {
    healthSamples: await o.health.deleteSamplesBefore(raw),
    trafficSamples: await o.traffic.deleteSamplesBefore(raw),
    healthHourly: await o.health.deleteHourlyBefore(rolled),
    trafficHourly: await o.traffic.deleteHourlyBefore(rolled),
    cellularHistory: await o.cellular.deleteHistoryBefore(days(CELLULAR_HISTORY_DAYS)),
    notifications: await o.outbox.deleteOlderThan(days(MESSAGE_DAYS)),
    reportDocuments: await o.reports.dropContentBefore(days(REPORT_CONTENT_DAYS)),
    reportRuns: await o.reports.deleteRunsBefore(rolled),
    locations: await o.locations.deleteBefore(raw),
    deviceEvents: await o.events.deleteBefore(new Date(now - o.policy.eventDays * DAY_MS).toISOString()),
  };
  if (Object.values(deleted).some((n) => n > 0))
    o.logger.info({ deleted, rawBefore: raw, rollupsBefore: rolled }, 'monitoring retention applied');
  return deleted;
}
