import { hysteresisM, nextSide, signedDistanceM, type PreparedShape } from './geometry.js';
import type { SideRow } from './geofences.store.js';

/** A position a device reported. */
export interface LocationFix {
  deviceId: string;
  lat: number;
  lon: number;
  /** Horizontal accuracy (metres) as the receiver estimated it, when known. */
  accuracyM: number | null;
  /** When the receiver took the fix (ISO 8601). */
  fixAt: string;
  /** When the hub received it (ISO 8601). */
  at: string;
}

/** A fence that applies to the device, ready to measure. */
export interface ApplicableFence {
  id: string;
  name: string;
  shape: PreparedShape;
}

export interface Crossing {
  fenceId: string;
  fenceName: string;
  kind: 'enter' | 'leave';
  distanceM: number;
}

/** A device event the hub records on the device's behalf. */
export interface GeofenceDeviceEvent {
  seq: number;
  ts: number;
  type: 'geofence.enter' | 'geofence.leave';
  severity: 'info';
  data: Record<string, unknown>;
}

export interface EvaluatorDeps {
  fencesFor(deviceId: string): Promise<ApplicableFence[]>;
  sidesOf(deviceId: string): Promise<Map<string, SideRow>>;
  putSides(rows: SideRow[]): Promise<void>;
  recordEvent(deviceId: string, e: GeofenceDeviceEvent): Promise<void>;
}

// Hub-made events take seqs below every device's own (≥ 1) and the streams domain's (-(batch seq + 1)):
// -(2^52 + fix time in ms × 1024 + the crossing's place in its fix). A fix is evaluated once per
// fence (older or repeated fixes are skipped), so a seq never repeats. Safe integers until 2109.
const SEQ_BASE = 2 ** 52;
const PER_FIX = 1024;

/** The seq of the `index`-th crossing of the fix taken at `fixMs`. */
export function crossingSeq(fixMs: number, index: number): number {
  return -(SEQ_BASE + fixMs * PER_FIX + Math.min(index, PER_FIX - 1));
}

/**
 * Decides, for each fence that applies to the device, which side of it the fix lies on, keeps it,
 * and reports each change as a crossing. A device's first fix against a fence only records the side.
 */
export function createGeofenceEvaluator(d: EvaluatorDeps) {
  return {
    async onLocation(fix: LocationFix): Promise<Crossing[]> {
      const fences = (await d.fencesFor(fix.deviceId)).sort((a, b) => a.id.localeCompare(b.id));
      if (fences.length === 0) return [];
      const known = await d.sidesOf(fix.deviceId);
      const band = hysteresisM(fix.accuracyM);
      const rows: SideRow[] = [];
      const crossings: Crossing[] = [];
      for (const f of fences) {
        const prev = known.get(f.id);
        if (prev && prev.fixAt >= fix.fixAt) continue;
        const signed = signedDistanceM(f.shape, fix);
        const side = nextSide(prev?.side ?? null, signed, band);
        const changed = prev !== undefined && prev.side !== side;
        rows.push({
          fenceId: f.id,
          deviceId: fix.deviceId,
          side,
          crossed: changed || (prev?.crossed ?? false),
          fixAt: fix.fixAt,
          changedAt: changed || !prev ? fix.at : prev.changedAt,
        });
        if (changed)
          crossings.push({
            fenceId: f.id,
            fenceName: f.name,
            kind: side === 'inside' ? 'enter' : 'leave',
            distanceM: Math.round(Math.abs(signed)),
          });
      }
      await d.putSides(rows);
      const fixMs = Date.parse(fix.fixAt);
      for (const [i, c] of crossings.entries())
        await d.recordEvent(fix.deviceId, {
          seq: crossingSeq(fixMs, i),
          ts: fixMs,
          type: c.kind === 'enter' ? 'geofence.enter' : 'geofence.leave',
          severity: 'info',
          data: {
            fenceId: c.fenceId,
            fence: c.fenceName,
            lat: fix.lat,
            lon: fix.lon,
            accuracyM: fix.accuracyM,
            // How far across the border the fix lay.
            distanceM: c.distanceM,
          },
        });
      return crossings;
    },
  };
}

export type GeofenceEvaluator = ReturnType<typeof createGeofenceEvaluator>;
