// Reading a climb of rising load: what each receiving side took, and which side stopped the climb.

/** One step of rising load: what was asked, offered, taken, and the CPU each side used per second. */
export interface Step {
  rate: number;
  sent: number;
  taken: number;
  cpu: Record<string, number>;
}

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
 * Which side stopped the climb: the publishers when they could not offer the rate, else the
 * receiving process that used the most CPU per second at the top step.
 */
export function saturatingSide(steps: Step[]): string {
  const top = steps[steps.length - 1];
  if (!top) return 'no step ran';
  if (publishersShort(top)) return `the publishers (offered ${Math.round(top.sent)} of ${Math.round(top.rate)} msg/s)`;
  if (keptUp(top)) return 'not reached: every step kept up; raise the rates';
  const receivers = Object.entries(top.cpu)
    .filter(([k]) => k !== 'publishers')
    .sort((a, b) => b[1] - a[1]);
  if (!receivers.length) return `a receiving side (took ${Math.round(top.taken)} of ${Math.round(top.sent)} msg/s)`;
  const [who, cpu] = receivers[0];
  return `${who} (${cpu.toFixed(2)} CPU-s per s at ${Math.round(top.sent)} msg/s offered)`;
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
