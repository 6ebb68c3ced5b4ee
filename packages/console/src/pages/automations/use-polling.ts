import { useEffect, useState } from 'react';

/** A counter that moves every `ms` while `active`: list it in a `useAsync`'s deps to read again. */
export function usePollTick(active: boolean, ms = 2000): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = window.setTimeout(() => setTick((n) => n + 1), ms);
    return () => window.clearTimeout(t);
  }, [active, tick, ms]);
  return tick;
}

export const ACTIVE_RUN_STATES = new Set(['awaiting_approval', 'running']);

/** Where a run's page is: under its automation, so the navigation stays on Automations. */
export const runPath = (r: { automationName: string; id: string }) =>
  `/automations/${encodeURIComponent(r.automationName)}/runs/${encodeURIComponent(r.id)}`;
