import { readFileSync } from 'node:fs';

/** Below this many open files a hub cannot hold a fleet of some thousands plus its API clients. */
export const RECOMMENDED_OPEN_FILES = 65_536;
const MINIMUM_OPEN_FILES = 4_096;

/** The soft and hard limits on open files from /proc/self/limits, or null where there is none. */
export function openFileLimits(text?: string): { soft: number; hard: number } | null {
  let limits = text;
  try {
    limits ??= readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  if (!m) return null;
  const n = (v: string) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: n(m[1]), hard: n(m[2]) };
}

/** A warning for the start-up log when the hub may run out of file descriptors, or null. */
export function openFilesWarning(limits: { soft: number; hard: number } | null): string | null {
  if (!limits || limits.soft >= MINIMUM_OPEN_FILES) return null;
  return (
    `the hub may open only ${limits.soft} files (hard limit ${limits.hard}): each device connection ` +
    `and API client takes one, so past about ${Math.max(0, limits.soft - 100)} connections new ones fail; ` +
    `raise it to ${RECOMMENDED_OPEN_FILES} (systemd LimitNOFILE=, ulimit -n)`
  );
}
