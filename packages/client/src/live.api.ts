import { LIVE_ROUTES as LIVE, type FleetSummary, type PresenceTrendPoint } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** Fleet-wide aggregates for dashboards. Live changes stream from GET /api/v1/events/stream (see LiveEvents). */
export function liveApi(r: RouteCaller) {
  return {
    fleet: {
      summary: () => r<FleetSummary>(LIVE.summary),
      presenceTrend: (hours = 24) => r<{ items: PresenceTrendPoint[] }>(LIVE.presenceTrend, { query: { hours } }),
    },
  };
}
