import type { Sample, PointReporting } from './data-sample.js';

// Report by exception: a point's reading goes out when it differs from the last one reported by
// more than its deadband, when its quality (or the reason for it) changes, or when the point has
// been silent for its maximum silent interval; everything else is left on the device.

export const DEFAULT_MAX_SILENCE_S = 300;

interface Tracked {
  settings: PointReporting;
  sent?: Sample;
  sentAt: number;
  latest?: Sample;
}

export class ExceptionReporter {
  private points = new Map<string, Tracked>();

  constructor(private defaultMaxSilenceS = DEFAULT_MAX_SILENCE_S) {}

  /** Declares the points; those no longer declared are forgotten, kept ones keep their last report. */
  declare(points: PointReporting[], defaultMaxSilenceS = this.defaultMaxSilenceS): void {
    this.defaultMaxSilenceS = defaultMaxSilenceS;
    const next = new Map<string, Tracked>();
    for (const s of points) next.set(s.p, { ...(this.points.get(s.p) ?? { sentAt: 0 }), settings: s });
    this.points = next;
  }

  /** The reading to report now, or undefined when it is within the deadband of the last report. */
  offer(s: Sample, now: number): Sample | undefined {
    const tr = this.points.get(s.p);
    if (!tr) return undefined;
    tr.latest = s;
    if (!this.differs(tr, s) && now - tr.sentAt < this.silenceMs(tr)) return undefined;
    tr.sent = s;
    tr.sentAt = now;
    return s;
  }

  /** Latest readings of points silent for longer than their maximum silent interval. */
  due(now: number): Sample[] {
    const out: Sample[] = [];
    for (const tr of this.points.values()) {
      if (!tr.latest || now - tr.sentAt < this.silenceMs(tr)) continue;
      tr.sent = tr.latest;
      tr.sentAt = now;
      out.push(tr.latest);
    }
    return out;
  }

  latest(p: string): Sample | undefined {
    return this.points.get(p)?.latest;
  }

  private silenceMs(tr: Tracked): number {
    return (tr.settings.maxSilenceS ?? this.defaultMaxSilenceS) * 1000;
  }

  private differs(tr: Tracked, s: Sample): boolean {
    const last = tr.sent;
    if (!last) return true;
    if (last.q !== s.q || last.r !== s.r) return true;
    if (typeof last.v === 'number' && typeof s.v === 'number') {
      const band = tr.settings.deadband ?? 0;
      return band === 0 ? last.v !== s.v : Math.abs(s.v - last.v) > band;
    }
    return last.v !== s.v;
  }
}
