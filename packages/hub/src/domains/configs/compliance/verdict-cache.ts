import type { DeviceStateHead } from '../desired.store.js';
import type { SourceVerdict } from './compliance.evaluate.js';

/**
 * The verdicts of each device's last evaluation, reused while what they were computed from is
 * unchanged: the desired state (its hash, which covers the document and the maintenance window,
 * and its version) and the stored report (its revision, which every write of it moves on, and the
 * report error). A full scan of a quiet fleet then reads and parses no report. Bounded: one entry
 * per device, emptied when it would pass `limit`; a full scan drops devices no longer evaluated.
 */
export function createVerdictCache(limit = 1_000_000) {
  const byDevice = new Map<string, { key: string; verdicts: Map<string, SourceVerdict> }>();
  return {
    key: (hash: string, version: number, head: DeviceStateHead | undefined) =>
      `${hash}|${version}|${head?.report_rev ?? -1}|${head?.report_error ?? ''}`,
    get(deviceId: string, key: string): Map<string, SourceVerdict> | undefined {
      const e = byDevice.get(deviceId);
      return e?.key === key ? e.verdicts : undefined;
    },
    set(deviceId: string, key: string, verdicts: Map<string, SourceVerdict>) {
      if (byDevice.size >= limit && !byDevice.has(deviceId)) byDevice.clear();
      byDevice.set(deviceId, { key, verdicts });
    },
    /** Keeps only `deviceIds` (after a scan of the whole fleet). */
    retain(deviceIds: Iterable<string>) {
      const keep = new Set(deviceIds);
      for (const id of byDevice.keys()) if (!keep.has(id)) byDevice.delete(id);
    },
    get size() {
      return byDevice.size;
    },
  };
}
