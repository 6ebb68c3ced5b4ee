import { backoffDelay } from '@outpost/protocol';
import { request } from 'node:https';
import type { DownloadSink } from './download-sink.js';

export interface DownloadOptions {
  url: string;
  tls: { keyPem: string; certPem: string; caPem: string };
  sink: DownloadSink;
  total: number;
  signal: AbortSignal;
  onProgress(bytes: number, resumedFrom: number | null): void;
  /** Retries within one attempt after a dropped link, each resuming with Range. */
  tries: number;
  backoffMs: number;
  /** Bandwidth cap for metered links; 0 = none. */
  maxBytesPerSec?: number;
  idleTimeoutMs?: number;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** One GET from `offset` (RFC 9110 §14.2 Range); resolves when the body ended, rejects on a drop. */
function fetchFrom(o: DownloadOptions, offset: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const req = request(
      o.url,
      {
        key: o.tls.keyPem,
        cert: o.tls.certPem,
        ca: o.tls.caPem,
        headers,
        signal: o.signal,
        timeout: o.idleTimeoutMs ?? 30_000,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status === 416 && offset >= o.total) return (res.resume(), resolve());
        if (status !== 200 && status !== 206) {
          res.resume();
          return reject(new DownloadError(`the hub answered HTTP ${status}`, status >= 500 || status === 429));
        }
        void (async () => {
          if (status === 200 && offset > 0) await o.sink.reset(); // Range ignored: the body starts at zero
          const started = Date.now();
          let got = 0;
          let lastReport = 0;
          try {
            for await (const chunk of res) {
              await o.sink.write(chunk as Buffer);
              got += (chunk as Buffer).length;
              const bytes = (status === 206 ? offset : 0) + got;
              if (Date.now() - lastReport > 500) {
                lastReport = Date.now();
                o.onProgress(bytes, null);
              }
              if (o.maxBytesPerSec) {
                const ahead = (got / o.maxBytesPerSec) * 1000 - (Date.now() - started);
                if (ahead > 5) await sleep(ahead, o.signal);
              }
            }
            if (!res.complete) throw new DownloadError('the link dropped during the download', true);
            resolve();
          } catch (err) {
            reject(err instanceof DownloadError ? err : new DownloadError((err as Error).message, true));
          }
        })();
      },
    );
    req.on('timeout', () => req.destroy(new DownloadError('the download stalled', true)));
    req.on('error', (err) => reject(err instanceof DownloadError ? err : new DownloadError(err.message, true)));
    req.end();
  });
}

/** Downloads into the sink, resuming with Range after every drop, up to `tries` times. */
export async function download(o: DownloadOptions): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const offset = await o.sink.prepare();
    if (offset >= o.total) return;
    if (offset > 0) o.onProgress(offset, offset);
    try {
      await fetchFrom(o, offset);
      if ((await o.sink.prepare()) >= o.total) return;
      throw new DownloadError('the body ended before the artifact was complete', true);
    } catch (err) {
      if (o.signal.aborted) throw new DownloadError('canceled', false);
      const e = err instanceof DownloadError ? err : new DownloadError((err as Error).message, true);
      if (!e.transient || attempt + 1 >= o.tries) throw e;
      await sleep(backoffDelay(attempt, { baseMs: o.backoffMs, capMs: o.backoffMs * 32, jitter: 'none' }), o.signal);
    }
  }
}
