// The one retry delay of Outpost (AWS Architecture Blog, "Exponential Backoff And Jitter"):
// ceiling = min(cap, base × 2^retry). `full` jitter draws the whole delay at random below the
// ceiling — it spreads a fleet's reconnects after a hub restart instead of letting them arrive in
// synchronised waves; `equal` keeps half the ceiling fixed and draws the other half (a channel's
// retries never come back-to-back); `none` waits the ceiling itself (a rollout's retry schedule an
// operator can predict).

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  jitter: 'full' | 'equal' | 'none';
}

/** Delay before retry number `retry` (0 for the first retry after the first failure). */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(Math.max(0, retry), 30));
  switch (policy.jitter) {
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.round(ceiling / 2 + (random() * ceiling) / 2);
    case 'none':
      return ceiling;
  }
}
