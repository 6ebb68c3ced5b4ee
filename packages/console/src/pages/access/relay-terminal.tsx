import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import {
  FrameType,
  decodeFrame,
  encodeFrame,
  encodeSize,
  readU32,
  u32,
  type AccessOpenResult,
} from '@outpost/protocol';

// Until the box is measured, and for a transcript without a size in its header.
const COLS = 100;
const ROWS = 26;
// The size the console may take, whatever the box: narrower or shorter is useless, larger is a runaway measurement.
const SIZE_LIMITS = { minCols: 20, maxCols: 400, minRows: 5, maxRows: 200 } as const;
// A window being dragged resizes the box many times a second; the device hears the size it settles on.
const FIT_DEBOUNCE_MS = 100;
// Credit goes back to the device at most this often (docs/relay-protocol.md: "at least every 50 ms").
const WINDOW_EVERY_MS = 50;
const THEME = { background: '#0f172a', foreground: '#e2e8f0', cursor: '#93c5fd' };

type Phase = 'connecting' | 'waiting' | 'ready' | 'ended';
type Size = { cols: number; rows: number };

const within = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.floor(n)));

/** A proposed terminal size held to SIZE_LIMITS, or null when there is nothing to measure (box hidden, no cell size yet). */
function clampSize(p: Size | undefined): Size | null {
  if (!p || !Number.isFinite(p.cols) || !Number.isFinite(p.rows) || p.cols <= 0 || p.rows <= 0) return null;
  return {
    cols: within(p.cols, SIZE_LIMITS.minCols, SIZE_LIMITS.maxCols),
    rows: within(p.rows, SIZE_LIMITS.minRows, SIZE_LIMITS.maxRows),
  };
}

/** Shows the terminal's size on its box, where tests and scripts can read it. */
function showSize(el: HTMLElement, term: Terminal) {
  el.dataset.cols = String(term.cols);
  el.dataset.rows = String(term.rows);
}

/**
 * The operator leg of the relay in the browser: one WebSocket to the hub (same origin, session
 * cookie), stream 1 carries the device's console into xterm.js and keystrokes back, with the
 * relay's credit windows in both directions. The terminal takes the size of its box (columns
 * and rows from the box and xterm's cell size): the OPEN frame carries it, and when the box
 * changes size the device gets a RESIZE frame, as `outpost access console` sends when the
 * local terminal does.
 */
export function RelayTerminal({ open, onEnded }: { open: AccessOpenResult; onEnded(reason: string): void }) {
  const box = useRef<HTMLDivElement>(null);
  const [phase, setPhase] = useState<Phase>('connecting');
  const [ending, setEnding] = useState<string | null>(null);
  const ws = useRef<WebSocket | null>(null);
  const ended = useRef(onEnded);
  ended.current = onEnded;

  useEffect(() => {
    const el = box.current!;
    const term = new Terminal({
      cols: COLS,
      rows: ROWS,
      theme: THEME,
      fontFamily: 'ui-monospace, Menlo, Consolas, monospace',
      fontSize: 14,
      cursorBlink: true,
      screenReaderMode: true,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    // The hub serving this page: the page's policy lets it connect nowhere else. With several
    // replicas, a leg that lands on another than the session's (`relayUrl`) is refused as
    // wrong_relay (docs/REPLICAS.md).
    const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}${open.relayPath}`;
    const sock = new WebSocket(url);
    ws.current = sock;
    sock.binaryType = 'arraybuffer';
    let sendCredit = 0;
    let owed = 0;
    const send = (b: Uint8Array) => sock.readyState === WebSocket.OPEN && sock.send(b);
    const credit = window.setInterval(() => {
      if (owed > 0) send(encodeFrame(FrameType.Window, 1, u32(owed)));
      owed = 0;
    }, WINDOW_EVERY_MS);
    // The size the device was last told (OPEN or RESIZE); null until stream 1 is open, and again once it is closed.
    let told: Size | null = null;
    const refit = () => {
      const size = clampSize(fit.proposeDimensions());
      if (!size) return;
      if (size.cols !== term.cols || size.rows !== term.rows) term.resize(size.cols, size.rows);
      showSize(el, term);
      if (told && (told.cols !== term.cols || told.rows !== term.rows)) {
        told = { cols: term.cols, rows: term.rows };
        send(encodeFrame(FrameType.Resize, 1, encodeSize(told.cols, told.rows)));
      }
    };
    // Sized before the first frame, so the device starts the console at the size it is shown.
    refit();
    let fitTimer: number | undefined;
    const watch = new ResizeObserver(() => {
      window.clearTimeout(fitTimer);
      fitTimer = window.setTimeout(refit, FIT_DEBOUNCE_MS);
    });
    watch.observe(el);
    const finish = (reason: string) => {
      told = null;
      setPhase('ended');
      setEnding(reason);
      ended.current(reason);
    };

    sock.addEventListener('open', () =>
      sock.send(JSON.stringify({ v: 1, type: 'auth', session: open.session.id, token: open.operatorToken })),
    );
    sock.addEventListener('message', (e: MessageEvent<string | ArrayBuffer>) => {
      if (typeof e.data === 'string') {
        const m = JSON.parse(e.data) as { type: string; reason?: string; message?: string };
        if (m.type === 'wait') setPhase('waiting');
        if (m.type === 'ready') {
          setPhase('ready');
          told = { cols: term.cols, rows: term.rows };
          send(encodeFrame(FrameType.Open, 1, encodeSize(told.cols, told.rows)));
          term.focus();
        }
        if (m.type === 'closed') finish(m.message ? `${m.reason}: ${m.message}` : (m.reason ?? 'closed'));
        return;
      }
      const f = decodeFrame(new Uint8Array(e.data));
      if (!f || f.stream !== 1) return;
      if (f.type === FrameType.Data) {
        term.write(f.payload);
        owed += f.payload.length;
      } else if (f.type === FrameType.Window) sendCredit += readU32(f.payload);
      else if (f.type === FrameType.Close) {
        told = null;
        term.write('\r\n\x1b[2m[the device ended the console]\x1b[0m\r\n');
        sock.close(1000);
      }
    });
    sock.addEventListener('close', () => finish('closed'));
    // Each direction starts with RELAY_WINDOW of credit (1 MiB); keystrokes never come near it.
    sendCredit = 1024 * 1024;
    const input = term.onData((text) => {
      const bytes = new TextEncoder().encode(text);
      if (bytes.length > sendCredit) return;
      sendCredit -= bytes.length;
      send(encodeFrame(FrameType.Data, 1, bytes));
    });
    return () => {
      watch.disconnect();
      window.clearTimeout(fitTimer);
      window.clearInterval(credit);
      input.dispose();
      sock.close(1000);
      term.dispose();
    };
  }, [open]);

  return (
    <div className="terminal-wrap">
      <div className="terminal-bar">
        <span role="status">
          {phase === 'connecting'
            ? 'Connecting to the relay…'
            : phase === 'waiting'
              ? 'Waiting for the device to join…'
              : phase === 'ready'
                ? `Connected: ${open.session.target} on ${open.session.deviceId}`
                : `Session over (${ending})`}
        </span>
        {phase !== 'ended' ? (
          <button type="button" className="secondary" onClick={() => ws.current?.close(1000)}>
            End session
          </button>
        ) : null}
      </div>
      <div ref={box} className="terminal terminal-live" aria-label={`Console of ${open.session.deviceId}`} />
    </div>
  );
}

/** The terminal size an asciicast header or `"r"` event gives (`{width, height}`, `"COLSxROWS"`), held to SIZE_LIMITS. */
function castSize(v: unknown): Size | null {
  if (typeof v === 'string') {
    const m = /^(\d+)x(\d+)$/.exec(v);
    return m ? clampSize({ cols: Number(m[1]), rows: Number(m[2]) }) : null;
  }
  const h = v as { width?: unknown; height?: unknown } | null;
  return h && typeof h.width === 'number' && typeof h.height === 'number'
    ? clampSize({ cols: h.width, rows: h.height })
    : null;
}

/**
 * Plays an asciicast v2 transcript (header line, then `[seconds, "o", text]` and
 * `[seconds, "r", "COLSxROWS"]` lines) into a read-only terminal, at the size the header gives
 * and following the resizes, so lines wrap where they wrapped for the operator.
 */
export function TranscriptReplay({ text }: { text: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current!;
    const [head = '', ...lines] = text.split('\n');
    let start: Size | null = null;
    try {
      start = castSize(JSON.parse(head));
    } catch {
      start = null;
    }
    const term = new Terminal({
      cols: start?.cols ?? COLS,
      rows: start?.rows ?? ROWS,
      theme: THEME,
      fontFamily: 'ui-monospace, Menlo, Consolas, monospace',
      fontSize: 13,
      disableStdin: true,
      screenReaderMode: true,
      scrollback: 5000,
    });
    term.open(el);
    for (const line of lines) {
      if (!line) continue;
      try {
        const ev = JSON.parse(line) as [number, string, string];
        if (ev[1] === 'o') term.write(ev[2]);
        else if (ev[1] === 'r') {
          const size = castSize(ev[2]);
          // Queued behind the output before it, as the operator's terminal saw it.
          if (size) term.write('', () => term.resize(size.cols, size.rows));
        }
      } catch {
        // A torn last line (a transcript cut short) is skipped.
      }
    }
    term.write('', () => showSize(el, term));
    return () => term.dispose();
  }, [text]);
  return <div ref={box} className="terminal" aria-label="Session transcript" />;
}
