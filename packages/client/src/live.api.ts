import type { FleetSummary, PresenceTrendPoint } from '@outpost/protocol';

type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>;

/** Fleet-wide aggregates for dashboards. Live changes stream from GET /api/v1/events/stream (see LiveEvents). */
export function liveApi(c: Call) {
  return {
    fleet: {
      summary: () => c<FleetSummary>('GET', '/api/v1/fleet/summary'),
      presenceTrend: (hours = 24) => c<{ items: PresenceTrendPoint[] }>('GET', `/api/v1/fleet/presence-trend?hours=${hours}`),
    },
  };
}
