import type { DeviceAvailability } from '@outpost/protocol';

/** Share of [from, to) a device spent online, from its presence changes (sorted by time). */
export function availability(
  initial: string | null,
  changes: Array<{ state: string; at: string }>,
  from: Date,
  to: Date,
): Pick<DeviceAvailability, 'onlinePct' | 'onlineMs' | 'periodMs' | 'offlinePeriods'> {
  const periodMs = Math.max(0, to.getTime() - from.getTime());
  let state = initial ?? 'never_seen';
  let since = from.getTime();
  let onlineMs = 0;
  const offline: Array<{ from: string; to: string | null }> = [];
  if (state === 'offline') offline.push({ from: from.toISOString(), to: null });
  for (const c of changes) {
    const t = Math.min(Math.max(Date.parse(c.at), from.getTime()), to.getTime());
    if (state === 'online') onlineMs += t - since;
    if (c.state === 'offline' && state !== 'offline') offline.push({ from: new Date(t).toISOString(), to: null });
    if (c.state === 'online' && state === 'offline') offline[offline.length - 1].to = new Date(t).toISOString();
    state = c.state;
    since = t;
  }
  if (state === 'online') onlineMs += to.getTime() - since;
  return {
    onlinePct: periodMs ? Math.round((onlineMs / periodMs) * 10_000) / 100 : 0,
    onlineMs,
    periodMs,
    offlinePeriods: offline,
  };
}

/**
 * When a device's presence is known from, within a window starting at `from`: the window's start
 * when it had a state before it, else its first change (null: never seen in the window). Time
 * before a device existed is not time it was down.
 */
export function observedFrom(initial: string | null, changes: Array<{ at: string }>, from: number): number | null {
  if (initial !== null) return from;
  return changes.length ? Date.parse(changes[0].at) : null;
}

/** Availability over the part of [from, to) in which the device was known, and where that part starts. */
export function observedAvailability(
  initial: string | null,
  changes: Array<{ state: string; at: string }>,
  from: Date,
  to: Date,
) {
  const start = observedFrom(initial, changes, from.getTime());
  return { ...availability(initial, changes, start === null ? from : new Date(start), to), observedFrom: start };
}
