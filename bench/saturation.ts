// Reading a climb of rising load: what each receiving side took, and which side stopped the climb.

/** One step of rising load: what was asked, offered, taken, and the CPU each side used per second. */
export interface Step {
  rate: number;
  sent: number;
  taken: number;
  cpu: Record<string, number>;
  /** Share of the machine's cores left idle during the step (0 to 1), when it was measured. */
  idle?: number;
}

/** Below this many CPU-seconds per second no single Node process counts as saturated on its own. */
const BUSY_CPU = 0.8;
/** Below this idle share the machine had no core to spare. */
const NO_IDLE = 0.1;

/** A step the receiving side kept up with: it took at least 95 % of what was offered. */
export const keptUp = (s: Pick<Step, 'sent' | 'taken'>): boolean => s.taken >= 0.95 * s.sent;

/** A step the publishers could not offer: they sent less than 95 % of the asked rate. */
export const publishersShort = (s: Pick<Step, 'rate' | 'sent'>): boolean => s.sent < 0.95 * s.rate;

/**
 * The most a receiving side took per second in any step of the climb: at the step where it fell
 * behind, that is its rate at saturation. Both sides of a comparison are read with this same rule.
 */
export function capacity(steps: Array<Pick<Step, 'taken'>>): number {
  return steps.reduce((best, s) => Math.max(best, s.taken), 0);
}

/**
 * Whether the climb ends at this step: the receiving side fell behind, or the publishers fell short of
 * the asked rate and offered no more than at the step before (they can go no faster). Publishers short
 * of the rate but still rising keep climbing: a loaded machine must not end the climb below saturation.
 */
export function climbEnds(steps: Array<Pick<Step, 'rate' | 'sent' | 'taken'>>): boolean {
  const top = steps[steps.length - 1];
  if (!top) return false;
  if (!keptUp(top)) return true;
  const before = steps[steps.length - 2];
  return publishersShort(top) && (!before || top.sent < 1.05 * before.sent);
}

/**
 * Which side stopped the climb: the receiving process that used the most CPU per second at the top step
 * when it fell behind what was offered (or the machine, when that process was short of a core and no core
 * was idle), else the publishers when they could not offer the rate.
 */
export function saturatingSide(steps: Step[]): string {
  const top = steps[steps.length - 1];
  if (!top) return 'no step ran';
  if (keptUp(top)) {
    if (publishersShort(top))
      return `the publishers (offered ${Math.round(top.sent)} of ${Math.round(top.rate)} msg/s)`;
    return 'not reached: every step kept up; raise the rates';
  }
  const receivers = Object.entries(top.cpu)
    .filter(([k]) => k !== 'publishers')
    .sort((a, b) => b[1] - a[1]);
  if (!receivers.length) return `a receiving side (took ${Math.round(top.taken)} of ${Math.round(top.sent)} msg/s)`;
  const [who, cpu] = receivers[0];
  const at = `${cpu.toFixed(2)} CPU-s per s, took ${Math.round(top.taken)} of ${Math.round(top.sent)} msg/s offered`;
  // A receiver well short of a core while the machine has none idle was starved, not saturated.
  if (cpu < BUSY_CPU && top.idle !== undefined && top.idle < NO_IDLE)
    return `the machine: no idle core (${Math.round(top.idle * 100)} % idle); busiest receiver ${who} (${at})`;
  return `${who} (${at})`;
}

/** Steps past the listed rates, each half as much again as the one before, while nothing has saturated yet. */
export const EXTRA_STEPS = 6;

/**
 * The rates of a climb: the listed ones, then further steps until a side saturates (the caller stops
 * at the first step a side fell behind), so a list that was too low still ends at saturation.
 */
export function* climb(rates: number[], extra = EXTRA_STEPS): Generator<number> {
  yield* rates;
  let rate = rates[rates.length - 1] ?? 0;
  for (let i = 0; i < extra && rate > 0; i++) yield (rate = Math.round(rate * 1.5));
}
