import type { ValuePointConfig } from './data-config.js';
import { judged, type Sample } from './data-sample.js';
import { fitsType } from './value-points.js';

// What local applications send on the data socket: one JSON object per line, `{"p":"x","v":1}`.
// Pure parts (no I/O): splitting a byte stream into bounded lines, judging each line, a rate bound.

export type LineVerdict = { ok: true; sample: Sample } | { ok: false; error: string; message: string };

/** Judges one line against the declared points. */
export function parseValueLine(line: string, points: ReadonlyMap<string, ValuePointConfig>, t: number): LineVerdict {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    return { ok: false, error: 'bad_json', message: 'the line is not JSON' };
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj))
    return { ok: false, error: 'bad_line', message: 'expected an object {"p": name, "v": value}' };
  const keys = Object.keys(obj);
  if (!keys.includes('p') || !keys.includes('v') || keys.length !== 2)
    return { ok: false, error: 'bad_line', message: 'expected exactly the keys "p" and "v"' };
  const { p, v } = obj as { p: unknown; v: unknown };
  const point = typeof p === 'string' ? points.get(p) : undefined;
  if (!point)
    return { ok: false, error: 'unknown_point', message: `"${String(p).slice(0, 64)}" is not a declared point` };
  if (!fitsType(point, v))
    return { ok: false, error: 'wrong_type', message: `point "${point.p}" takes a ${point.type ?? 'number'}` };
  return { ok: true, sample: judged(point, v, t) };
}

/** Splits a byte stream into lines of at most `max` bytes; longer lines are reported once and skipped. */
export class LineSplitter {
  private buf = Buffer.alloc(0);
  private skipping = false;

  constructor(private readonly max: number) {}

  push(chunk: Buffer): Array<{ line: string } | { tooLong: true }> {
    const out: Array<{ line: string } | { tooLong: true }> = [];
    let data = Buffer.concat([this.buf, chunk]);
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a)) {
      const line = data.subarray(0, nl);
      data = data.subarray(nl + 1);
      if (this.skipping) this.skipping = false;
      else if (line.length > this.max) out.push({ tooLong: true });
      else if (line.length > 0) out.push({ line: line.toString('utf8').replace(/\r$/, '') });
    }
    if (data.length > this.max) {
      if (!this.skipping) out.push({ tooLong: true });
      this.skipping = true;
      data = Buffer.alloc(0);
    }
    this.buf = Buffer.from(data);
    return out;
  }
}

/** At most `perSecond` lines in any one-second window (a token bucket refilled with time). */
export class LineRate {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = perSecond;
    this.at = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
