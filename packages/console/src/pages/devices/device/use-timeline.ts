import type { TimelineMark } from '@outpost/protocol';
import { DEVICES_ROUTES } from '@outpost/protocol';
import { useRoute } from '../../../app/use-route.js';

const NONE: TimelineMark[] = [];

/** The marks a device's charts draw over the last `hours` (none while loading or when refused). */
export function useTimeline(deviceId: string, hours: number, version = 0): TimelineMark[] {
  const t = useRoute(DEVICES_ROUTES.timeline, { params: { id: deviceId }, query: { hours: Math.min(hours, 24 * 7) } }, [
    version,
  ]);
  return t.data?.items ?? NONE;
}
