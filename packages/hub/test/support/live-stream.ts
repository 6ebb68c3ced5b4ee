import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { LiveEvents } from '@outpost/protocol';
import type { TestHub } from './test-hub.js';

/** One parsed server-sent event, with when it arrived (ms since the epoch). */
export type Received = { [K in keyof LiveEvents]: { event: K; data: LiveEvents[K]; at: number } }[keyof LiveEvents];

export interface LiveStream {
  status: number;
  events: Received[];
  res: IncomingMessage;
  close(): void;
}

/** A text/event-stream reader over node:https on `GET /api/v1/events/stream`: collects parsed events until closed. */
export function openStream(t: TestHub, session?: string): Promise<LiveStream> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL('/api/v1/events/stream', t.hub.httpUrl),
      {
        ca: t.hub.caPem,
        headers: { accept: 'text/event-stream', ...(session ? { cookie: `outpost_session=${session}` } : {}) },
      },
      (res) => {
        const events: Received[] = [];
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let end: number;
          while ((end = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, end);
            buf = buf.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data), at: Date.now() } as Received);
          }
        });
        resolve({ status: res.statusCode ?? 0, events, res, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The events of one kind, typed. */
export function eventsOf<K extends keyof LiveEvents>(
  s: LiveStream,
  kind: K,
): Array<{ event: K; data: LiveEvents[K]; at: number }> {
  return s.events.filter((e) => e.event === kind) as unknown as Array<{ event: K; data: LiveEvents[K]; at: number }>;
}
