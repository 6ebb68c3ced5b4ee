import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { FrameType, decodeFrame, encodeFrame, encodeSize, readU32, u32, type AccessOpenResult } from '@outpost/protocol';

const COLS = 100;
const ROWS = 26;
// Credit goes back to the device at most this often (docs/relay-protocol.md: "at least every 50 ms").
const WINDOW_EVERY_MS = 50;
const THEME = { background: '#0f172a', foreground: '#e2e8f0', cursor: '#93c5fd' };

type Phase = 'connecting' | 'waiting' | 'ready' | 'ended';

/**
 * The operator leg of the relay in the browser: one WebSocket to the hub (same origin, session
 * cookie), stream 1 carries the device's console into xterm.js and keystrokes back, with the
 * relay's credit windows in both directions.
 */
export function RelayTerminal({ open, onEnded }: { open: AccessOpenResult; onEnded(reason: string): void }) {
  const box = useRef<HTMLDivElement>(null);
  const [phase, setPhase] = useState<Phase>('connecting');
  const [ending, setEnding] = useState<string | null>(null);
  const ws = useRef<WebSocket | null>(null);
  const ended = useRef(onEnded);
  ended.current = onEnded;

  useEffect(() => {
    const term = new Terminal({ cols: COLS, rows: ROWS, theme: THEME, fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 14, cursorBlink: true, screenReaderMode: true });
    term.open(box.current!);
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
    const finish = (reason: string) => {
      setPhase('ended');
      setEnding(reason);
      ended.current(reason);
    };

    sock.addEventListener('open', () => sock.send(JSON.stringify({ v: 1, type: 'auth', session: open.session.id, token: open.operatorToken })));
    sock.addEventListener('message', (e: MessageEvent<string | ArrayBuffer>) => {
      if (typeof e.data === 'string') {
        const m = JSON.parse(e.data) as { type: string; reason?: string; message?: string };
        if (m.type === 'wait') setPhase('waiting');
        if (m.type === 'ready') {
          setPhase('ready');
          send(encodeFrame(FrameType.Open, 1, encodeSize(COLS, ROWS)));
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
          {phase === 'connecting' ? 'Connecting to the relay…' : phase === 'waiting' ? 'Waiting for the device to join…' : phase === 'ready' ? `Connected: ${open.session.target} on ${open.session.deviceId}` : `Session over (${ending})`}
        </span>
        {phase !== 'ended' ? (
          <button type="button" className="secondary" onClick={() => ws.current?.close(1000)}>
            End session
          </button>
        ) : null}
      </div>
      <div ref={box} className="terminal" aria-label={`Console of ${open.session.deviceId}`} />
    </div>
  );
}

/** Plays an asciicast v2 transcript (header line, then [seconds, "o", text] lines) into a read-only terminal. */
export function TranscriptReplay({ text }: { text: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const term = new Terminal({ cols: COLS, rows: ROWS, theme: THEME, fontFamily: 'ui-monospace, Menlo, Consolas, monospace', fontSize: 13, disableStdin: true, screenReaderMode: true, scrollback: 5000 });
    term.open(box.current!);
    for (const line of text.split('\n').slice(1)) {
      try {
        const ev = JSON.parse(line) as [number, string, string];
        if (ev[1] === 'o') term.write(ev[2]);
      } catch {
        // A torn last line (a transcript cut short) is skipped.
      }
    }
    return () => term.dispose();
  }, [text]);
  return <div ref={box} className="terminal" aria-label="Session transcript" />;
}
