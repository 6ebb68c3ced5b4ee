import type { HealthVerdict } from '../../health/index.js';
import type { DeviceSnapshot } from '../../devices/index.js';
import { ValidationError } from '../../../platform/errors.js';
import type { AlertDataStore } from '../alert-data.store.js';
import type { TrafficReader, TrafficStatus } from '../../traffic/index.js';

/** What a rule type says about one device at one evaluation. */
export type Observation =
  | { status: 'breach'; value: unknown; text: string }
  // The reset condition holds: an open alert may resolve.
  | { status: 'ok'; value?: unknown }
  // Neither holds (between the thresholds, stale data): keep whatever state the alert is in.
  | { status: 'hold'; value?: unknown };

/** Latest traffic of a device against its baseline, kept by the traffic domain. */
// What the traffic domain knows of each device's traffic, as the traffic rule kinds read it.
export type { TrafficReader, TrafficStatus };

/** Everything a rule type may read beyond the device rows, handed to `load` once per rule. */
export interface LoadContext {
  now: number;
  devices: DeviceSnapshot[];
  data: AlertDataStore;
  traffic: TrafficReader;
  healthOf(devices: DeviceSnapshot[]): Promise<Map<string, HealthVerdict>>;
}

/**
 * One kind of alert rule. Adding a kind is one module implementing this and one line in
 * `index.ts`: the engine owns durations, deduplication, flap damping and notifications.
 */
export interface RuleType<P, L = undefined> {
  type: string;
  /** A short human label, e.g. "device offline". */
  title: string;
  /** Parameters and their defaults, for `outpost rules types`. */
  params: Record<string, string>;
  /** Checks and normalizes the parameters; throws a ValidationError naming `/params/<name>`. */
  parse(params: Record<string, unknown>): P;
  /** Data one evaluation needs for the whole scope, read once (e.g. event counts per device). */
  load?(ctx: LoadContext, params: P): Promise<L>;
  evaluate(device: DeviceSnapshot, params: P, loaded: L, now: number): Observation;
}

export type AnyRuleType = RuleType<unknown, unknown>;

export function defineRuleType<P, L = undefined>(t: RuleType<P, L>): AnyRuleType {
  return t as unknown as AnyRuleType;
}

export const OK: Observation = { status: 'ok' };
export const HOLD: Observation = { status: 'hold' };

/** Reads rule parameters strictly: unknown names, wrong types and out-of-range values are refused with their path. */
export class ParamReader {
  private readonly used = new Set<string>();
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly at = '/params',
  ) {}

  private fail(name: string, message: string): never {
    throw new ValidationError(`params.${name} ${message}`, { path: `${this.at}/${name}` });
  }

  num(name: string, o: { min?: number; max?: number; def?: number; integer?: boolean; above?: number }): number {
    this.used.add(name);
    const v = this.raw[name] ?? o.def;
    if (v === undefined) this.fail(name, 'is required');
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(name, 'must be a number');
    if (o.integer && !Number.isInteger(v)) this.fail(name, 'must be a whole number');
    if (o.min !== undefined && v < o.min) this.fail(name, `must be at least ${o.min}`);
    if (o.above !== undefined && v <= o.above) this.fail(name, `must be greater than ${o.above}`);
    if (o.max !== undefined && v > o.max) this.fail(name, `must be at most ${o.max}`);
    return v;
  }

  optNum(name: string, o: { min?: number; max?: number }): number | undefined {
    return this.raw[name] === undefined ? (this.used.add(name), undefined) : this.num(name, o);
  }

  oneOf<T extends string>(name: string, values: readonly T[], def?: T): T {
    this.used.add(name);
    const v = this.raw[name] ?? def;
    if (typeof v !== 'string' || !values.includes(v as T)) this.fail(name, `must be one of ${values.join(', ')}`);
    return v as T;
  }

  str(name: string, o: { pattern?: RegExp; def?: string; maxLength?: number }): string {
    this.used.add(name);
    const v = this.raw[name] ?? o.def;
    if (typeof v !== 'string' || v.length === 0) this.fail(name, 'must be a non-empty string');
    if (v.length > (o.maxLength ?? 128)) this.fail(name, `must be at most ${o.maxLength ?? 128} characters`);
    if (o.pattern && !o.pattern.test(v)) this.fail(name, `has an invalid value "${v}"`);
    return v;
  }

  strList(name: string, o: { pattern: RegExp; min?: number; max: number; def?: string[] }): string[] {
    this.used.add(name);
    const v = this.raw[name] ?? o.def;
    if (!Array.isArray(v)) this.fail(name, 'must be a list');
    if (v.length < (o.min ?? 0) || v.length > o.max) this.fail(name, `must hold ${o.min ?? 0} to ${o.max} entries`);
    v.forEach((x, i) => {
      if (typeof x !== 'string' || !o.pattern.test(x))
        throw new ValidationError(`params.${name}[${i}] has an invalid value`, { path: `${this.at}/${name}/${i}` });
    });
    return v as string[];
  }

  intList(name: string, o: { min: number; max: number; maxItems: number }): number[] {
    this.used.add(name);
    const v = this.raw[name] ?? [];
    if (!Array.isArray(v) || v.length > o.maxItems) this.fail(name, `must be a list of at most ${o.maxItems} numbers`);
    v.forEach((x, i) => {
      if (!Number.isInteger(x) || x < o.min || x > o.max)
        throw new ValidationError(`params.${name}[${i}] must be a whole number from ${o.min} to ${o.max}`, {
          path: `${this.at}/${name}/${i}`,
        });
    });
    return v as number[];
  }

  /** Refuses parameter names the type does not know (a typo must not pass silently). */
  done(): void {
    for (const k of Object.keys(this.raw)) if (!this.used.has(k)) this.fail(k, 'is not a parameter of this rule type');
  }
}

/** 3725 → "1h 2m". */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
