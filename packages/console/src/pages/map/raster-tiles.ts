import { tileUrl, visibleTiles } from './tiles.js';
import type { Viewport } from './projection.js';

/** Images of an admin's XYZ tile server, kept for the tiles seen last (bounded), redrawn as they arrive. */
export interface RasterTiles {
  draw(ctx: CanvasRenderingContext2D, v: Viewport): void;
}

const KEEP = 512;

export function createRasterTiles(template: string, onLoad: () => void): RasterTiles {
  const cache = new Map<string, HTMLImageElement>();
  function image(url: string): HTMLImageElement {
    let img = cache.get(url);
    if (img) {
      // Most recently used last: the first key is the one to drop.
      cache.delete(url);
      cache.set(url, img);
      return img;
    }
    img = new Image();
    img.referrerPolicy = 'no-referrer';
    img.decoding = 'async';
    img.onload = onLoad;
    img.src = url;
    cache.set(url, img);
    while (cache.size > KEEP) cache.delete(cache.keys().next().value!);
    return img;
  }
  return {
    draw(ctx, v) {
      for (const t of visibleTiles(v)) {
        const img = image(tileUrl(template, t));
        if (img.complete && img.naturalWidth > 0) ctx.drawImage(img, t.sx, t.sy, t.size + 0.5, t.size + 0.5);
      }
    },
  };
}
