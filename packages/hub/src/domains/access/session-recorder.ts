import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/** What a live session writes while it runs; `finish` says what was kept. */
export interface Recorder {
  kind: 'asciicast' | 'pcap';
  /** Bytes the operator sent towards the device, on one stream. */
  toDevice(stream: number, data: Uint8Array): void;
  /** Bytes the device sent to the operator, on one stream. */
  fromDevice(stream: number, data: Uint8Array): void;
  opened(stream: number, size: { cols: number; rows: number } | null): void;
  closed(stream: number): void;
  resize(cols: number, rows: number): void;
  finish(): Promise<{ path: string; sha256: string; bytes: number }>;
}

export function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    let bytes = 0;
    createReadStream(path)
      .on('data', (c) => {
        h.update(c);
        bytes += (c as Buffer).length;
      })
      .on('error', reject)
      .on('end', () => resolve({ sha256: h.digest('hex'), bytes }));
  });
}

export function openFile(path: string): WriteStream {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  return createWriteStream(path, { flags: 'wx', mode: 0o600 });
}

export function endFile(out: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

/**
 * A terminal transcript in asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/):
 * a JSON header line, then one `[seconds, "o", text]` line per chunk of device output and
 * `[seconds, "r", "COLSxROWS"]` per resize. Operator keystrokes are not kept: the terminal
 * echoes what it shows, and what it does not echo (passwords) must not land on disk.
 */
export function createAsciicastRecorder(
  path: string,
  meta: { title: string; startedAtMs: number; now: () => number },
): Recorder {
  const out = openFile(path);
  // One decoder for the whole session, so a UTF-8 sequence split across chunks stays whole.
  const decoder = new TextDecoder('utf-8');
  let headerWritten = false;
  const t = () => ((meta.now() - meta.startedAtMs) / 1000).toFixed(6);
  const line = (v: unknown) => out.write(`${JSON.stringify(v)}\n`);

  function header(cols: number, rows: number) {
    if (headerWritten) return;
    headerWritten = true;
    line({
      version: 2,
      width: cols,
      height: rows,
      timestamp: Math.floor(meta.startedAtMs / 1000),
      title: meta.title,
      env: { TERM: 'xterm-256color' },
    });
  }

  return {
    kind: 'asciicast',
    toDevice: () => undefined,
    fromDevice(_stream, data) {
      header(80, 24);
      const text = decoder.decode(data, { stream: true });
      if (text) out.write(`[${t()}, "o", ${JSON.stringify(text)}]\n`);
    },
    opened(_stream, size) {
      header(size?.cols ?? 80, size?.rows ?? 24);
    },
    closed: () => undefined,
    resize(cols, rows) {
      header(cols, rows);
      out.write(`[${t()}, "r", "${cols}x${rows}"]\n`);
    },
    async finish() {
      header(80, 24);
      const rest = decoder.decode();
      if (rest) out.write(`[${t()}, "o", ${JSON.stringify(rest)}]\n`);
      await endFile(out);
      return { path, ...(await sha256File(path)) };
    },
  };
}

/** Parses an asciicast v2 file into its header and the text of its output events, in order. */
export function parseAsciicast(text: string): {
  header: Record<string, unknown>;
  output: string;
  events: Array<[number, string, string]>;
} {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const header = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
  const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
  return {
    header,
    events,
    output: events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join(''),
  };
}
