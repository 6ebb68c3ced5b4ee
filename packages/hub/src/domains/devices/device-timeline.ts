import type { DeviceTimeline, TimelineMark } from '@outpost/protocol';
import type { Clock } from '../../platform/clock.js';
import { NotFound } from '../../platform/errors.js';
import type { DevicesStore } from './devices.store.js';

// The marks a device's charts draw: offline stretches from the devices domain's own presence
// history, and what other domains keep (reboots sent, update jobs that ended, alerts that fired),
// asked through ports the hub wires from those domains' read models.

/** At most this many marks of each kind in one answer. */
export const MARKS_PER_KIND = 200;

type Range = [deviceId: string, fromIso: string, toIso: string, limit: number];

export interface TimelineSources {
  reboots(...r: Range): Promise<Array<{ at: string; by: string; state: string }>>;
  updates(...r: Range): Promise<Array<{ at: string; rolloutId: string; state: string; reason: string | null }>>;
  alerts(...r: Range): Promise<Array<{ at: string; ruleName: string; severity: string }>>;
}

/**
 * Offline stretches in the window from the state before it and the changes in it (oldest first):
 * one that began before the window starts at the window's start; one still open ends at null.
 */
export function offlineSpans(
  before: string | null,
  changes: ReadonlyArray<{ state: string; at: string }>,
  fromIso: string,
  limit = MARKS_PER_KIND,
): TimelineMark[] {
  const out: TimelineMark[] = [];
  let since: string | null = before === 'offline' ? fromIso : null;
  for (const c of changes) {
    if (c.state === 'offline' && since === null) since = c.at;
    else if (c.state !== 'offline' && since !== null) {
      out.push({ kind: 'offline', at: since, until: c.at, label: 'offline' });
      since = null;
    }
  }
  if (since !== null) out.push({ kind: 'offline', at: since, until: null, label: 'offline (still)' });
  // The newest stretches matter most on a chart that ends now.
  return out.slice(-limit);
}

export function createDeviceTimeline(d: {
  store: Pick<DevicesStore, 'exists' | 'presenceBefore' | 'presenceHistory'>;
  sources: TimelineSources;
  clock: Clock;
}) {
  return async function timeline(deviceId: string, hours: number): Promise<DeviceTimeline> {
    if (!(await d.store.exists(deviceId))) throw new NotFound('device', deviceId);
    const to = d.clock.now();
    const from = new Date(to.getTime() - hours * 3_600_000).toISOString();
    const range: Range = [deviceId, from, to.toISOString(), MARKS_PER_KIND];
    const [before, changes, reboots, updates, alerts] = await Promise.all([
      d.store.presenceBefore(deviceId, from),
      d.store.presenceHistory(deviceId, from),
      d.sources.reboots(...range),
      d.sources.updates(...range),
      d.sources.alerts(...range),
    ]);
    const items: TimelineMark[] = [
      ...offlineSpans(before, changes, from),
      ...reboots.map((r) => ({ kind: 'reboot' as const, at: r.at, label: `reboot sent by ${r.by} (${r.state})` })),
      ...updates.map((u) => ({
        kind: 'update' as const,
        at: u.at,
        label: `update ${u.state}${u.reason ? `: ${u.reason.slice(0, 120)}` : ''}`,
      })),
      ...alerts.map((a) => ({ kind: 'alert' as const, at: a.at, label: `alert ${a.ruleName} (${a.severity})` })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    return { from, to: to.toISOString(), items };
  };
}
