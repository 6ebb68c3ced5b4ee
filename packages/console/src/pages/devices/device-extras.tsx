import { ALERTS_ROUTES, HEALTH_ROUTES, type HealthState } from '@outpost/protocol';
import type { DeviceHealth } from '../../app/route-types.js';
import { loadRoute } from '../../app/use-route.js';
import { useAsync } from '../../app/use-async.js';

/** What a page of the device list shows beside each device's own fields. */
export interface DeviceExtras {
  health: Map<string, DeviceHealth>;
  openAlerts: Map<string, number>;
  /** More open alerts than one request reads: counts are at least what is shown. */
  alertsCapped: boolean;
}

const ALERTS_READ = 1000;

/** The health verdicts of the page's devices and their open alert counts, read only for the columns shown. */
export function useDeviceExtras(ids: string[], want: { health: boolean; alerts: boolean }): DeviceExtras {
  const key = ids.join(',');
  const health = useAsync(
    async () =>
      new Map(
        want.health && ids.length
          ? (await loadRoute(HEALTH_ROUTES.devices, { query: { ids: ids.join(',') } })).items.map((h) => [
              h.deviceId,
              h,
            ])
          : [],
      ),
    [key, want.health],
  );
  const alerts = useAsync(async () => {
    const counts = new Map<string, number>();
    if (!want.alerts) return { counts, capped: false };
    const page = await loadRoute(ALERTS_ROUTES.list, { query: { state: 'open', limit: ALERTS_READ } });
    for (const a of page.items) counts.set(a.deviceId, (counts.get(a.deviceId) ?? 0) + 1);
    return { counts, capped: page.nextCursor !== null };
  }, [key, want.alerts]);
  return {
    health: health.data ?? new Map(),
    openAlerts: alerts.data?.counts ?? new Map(),
    alertsCapped: alerts.data?.capped ?? false,
  };
}

const TONE: Record<HealthState, string> = {
  normal: 'tone-good',
  warning: 'sev-warning',
  error: 'tone-bad',
  unknown: '',
};

export function HealthBadge({ health }: { health: DeviceHealth | undefined }) {
  if (!health) return <span className="muted">–</span>;
  const why = health.reasons.map((r) => `${r.metric} ${r.value ?? '–'} (${r.state})`).join(', ');
  return (
    <span className={`badge ${TONE[health.state]}`} title={why || undefined}>
      {health.state}
    </span>
  );
}

/** Signal strength from the latest health report, in dBm, with a rough word for it. */
export function signalText(health: Record<string, unknown> | null): string | null {
  const v = health?.signalDbm;
  if (typeof v !== 'number') return null;
  // Common LTE RSSI bands: above -70 excellent, -70…-85 good, -86…-100 fair, below poor.
  const word = v > -70 ? 'excellent' : v >= -85 ? 'good' : v >= -100 ? 'fair' : 'poor';
  return `${v} dBm (${word})`;
}
