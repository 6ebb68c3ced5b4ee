import { panBy, zoomAround, type Viewport } from './projection.js';

// Pointer, wheel and keyboard input on the map's canvas, turned into viewport changes and taps.

export interface GestureTarget {
  view(): Viewport;
  setView(v: Viewport): void;
  /** A press and release without a drag, at canvas coordinates. */
  tap(x: number, y: number): void;
  /** A drag or a wheel run ended: a good moment to remember the view. */
  settled(): void;
}

/** A press that moves less than this is a tap, not a drag. */
const TAP_SLOP_PX = 5;
/** Zoom levels per wheel pixel (a mouse notch of 100 px is a third of a level). */
const WHEEL_ZOOM_PER_PX = 1 / 300;

/** Attaches the handlers; answers the function that detaches them. */
export function attachGestures(canvas: HTMLCanvasElement, t: GestureTarget): () => void {
  let drag: { id: number; x: number; y: number; moved: number } | null = null;
  let wheelEnd: ReturnType<typeof setTimeout> | undefined;
  const local = (e: { clientX: number; clientY: number }) => {
    const r = canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top] as const;
  };

  function down(e: PointerEvent) {
    if (e.button !== 0) return;
    canvas.setPointerCapture(e.pointerId);
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY, moved: 0 };
  }
  function move(e: PointerEvent) {
    if (!drag || drag.id !== e.pointerId) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    drag = { ...drag, x: e.clientX, y: e.clientY, moved: drag.moved + Math.hypot(dx, dy) };
    if (drag.moved >= TAP_SLOP_PX) t.setView(panBy(t.view(), dx, dy));
  }
  function up(e: PointerEvent) {
    if (!drag || drag.id !== e.pointerId) return;
    const wasTap = drag.moved < TAP_SLOP_PX;
    drag = null;
    if (wasTap) t.tap(...local(e));
    else t.settled();
  }
  function wheel(e: WheelEvent) {
    e.preventDefault();
    const px = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaY;
    const v = t.view();
    t.setView(zoomAround(v, ...local(e), v.zoom - px * WHEEL_ZOOM_PER_PX));
    clearTimeout(wheelEnd);
    wheelEnd = setTimeout(t.settled, 250);
  }
  function dblclick(e: MouseEvent) {
    const v = t.view();
    t.setView(zoomAround(v, ...local(e), Math.round(v.zoom) + (e.shiftKey ? -1 : 1)));
    t.settled();
  }
  function key(e: KeyboardEvent) {
    const v = t.view();
    const step = 80;
    const moves: Record<string, () => Viewport> = {
      ArrowLeft: () => panBy(v, step, 0),
      ArrowRight: () => panBy(v, -step, 0),
      ArrowUp: () => panBy(v, 0, step),
      ArrowDown: () => panBy(v, 0, -step),
      '+': () => zoomAround(v, v.width / 2, v.height / 2, v.zoom + 1),
      '=': () => zoomAround(v, v.width / 2, v.height / 2, v.zoom + 1),
      '-': () => zoomAround(v, v.width / 2, v.height / 2, v.zoom - 1),
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    t.setView(m());
    t.settled();
  }

  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  canvas.addEventListener('wheel', wheel, { passive: false });
  canvas.addEventListener('dblclick', dblclick);
  canvas.addEventListener('keydown', key);
  return () => {
    clearTimeout(wheelEnd);
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
    canvas.removeEventListener('wheel', wheel);
    canvas.removeEventListener('dblclick', dblclick);
    canvas.removeEventListener('keydown', key);
  };
}
