import { LIVE_ROUTES as LIVE, type FleetSites, type FleetSummary, type PresenceTrendPoint } from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** Fleet-wide aggregates for dashboards. Live changes stream from GET /api/v1/events/stream (see LiveEvents). */
export function liveApi(r: RouteCaller) {
  return {
    fleet: {
      summary: () => r<FleetSummary>(LIVE.summary),
      /** Presence, critical devices and open alerts per site, and firmware per model. */
      sites: () => r<FleetSites>(LIVE.sites),
      presenceTrend: (hours = 24) => r<{ items: PresenceTrendPoint[] }>(LIVE.presenceTrend, { query: { hours } }),
    },
  };
}
