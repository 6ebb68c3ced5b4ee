import type { TimelineMark } from '@outpost/protocol';
import { api } from '../../../app/api.js';
import { useAsync } from '../../../app/use-async.js';

const NONE: TimelineMark[] = [];

/** The marks a device's charts draw over the last `hours` (none while loading or when refused). */
export function useTimeline(deviceId: string, hours: number, version = 0): TimelineMark[] {
  const t = useAsync(() => api.devices.timeline(deviceId, Math.min(hours, 24 * 7)), [deviceId, hours, version]);
  return t.data?.items ?? NONE;
}
