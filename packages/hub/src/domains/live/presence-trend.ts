import type { PresenceTrendPoint } from '@outpost/protocol';

export type TrendPoint = PresenceTrendPoint;

const HOUR_MS = 3_600_000;

/**
 * Online devices per hour, walked back from the current count: every recorded transition to
 * `online` added one and every transition to `offline` removed one (presence_changes holds real
 * transitions only), so undoing an hour's transitions gives the count at the end of the hour before.
 */
export function presenceTrend(
  now: Date,
  hours: number,
  onlineNow: number,
  transitions: Array<{ hour: string; state: string; n: number }>,
): TrendPoint[] {
  const perHour = new Map<string, { on: number; off: number }>();
  for (const t of transitions) {
    const h = perHour.get(t.hour) ?? { on: 0, off: 0 };
    if (t.state === 'online') h.on += t.n;
    else if (t.state === 'offline') h.off += t.n;
    perHour.set(t.hour, h);
  }
  const start = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const points: TrendPoint[] = [];
  let online = onlineNow;
  for (let i = 0; i < hours; i++) {
    const at = new Date(start - i * HOUR_MS).toISOString();
    const h = perHour.get(at.slice(0, 13)) ?? { on: 0, off: 0 };
    points.push({ at, online: Math.max(0, online), wentOnline: h.on, wentOffline: h.off });
    online = online - h.on + h.off;
  }
  return points.reverse();
}
