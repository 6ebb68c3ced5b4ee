import type { MapItem } from './cluster-index.js';

// What a click on the map hit, and the sizes and labels of what is drawn: pure, no canvas.

/** Something drawn that a click can hit: a circle on screen. */
export interface Hit {
  item: MapItem;
  sx: number;
  sy: number;
  r: number;
}

export function bubbleRadius(count: number): number {
  return Math.min(30, 11 + 3.2 * Math.log10(count) * 2);
}

/** 1234 → "1.2k", 100000 → "100k": short enough for a bubble. */
export function compact(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

/** The drawn item nearest to (x, y) whose circle holds it; devices win over bubbles they overlap. */
export function hitAt(hits: readonly Hit[], x: number, y: number): Hit | undefined {
  let best: Hit | undefined;
  let bestD = Infinity;
  for (const h of hits) {
    const d = Math.hypot(h.sx - x, h.sy - y);
    if (d > h.r) continue;
    const rank = d + (h.item.kind === 'cluster' ? 1000 : 0);
    if (rank < bestD) {
      bestD = rank;
      best = h;
    }
  }
  return best;
}
