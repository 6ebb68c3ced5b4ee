import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '../../src/domains/notifications/webhook-signature.js';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  signatureOk: boolean;
  reason?: string;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1 that checks signatures like a real integration would. It can
 * go down (connections refused), come back on the same port, and fail requests on purpose.
 */
export async function startWebhookReceiver(secret: () => string) {
  const received: ReceivedWebhook[] = [];
  // Statuses to answer to the next requests after recording them (simulates "processed, but the reply got lost").
  const failAfterRecording: number[] = [];
  let server: Server | null = null;
  let port = 0;
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const v = verifyWebhook(
        secret(),
        String(req.headers['x-outpost-signature'] ?? ''),
        body,
        Math.floor(Date.now() / 1000),
      );
      received.push({
        headers: req.headers,
        body,
        json: JSON.parse(body) as Record<string, unknown>,
        signatureOk: v.ok,
        ...(v.ok ? {} : { reason: v.reason }),
        at: Date.now(),
      });
      const status = failAfterRecording.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'try again');
    });
  };
  async function up() {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  }
  async function down() {
    const s = server;
    server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await up();
  return {
    received,
    url: () => `http://127.0.0.1:${port}/hook`,
    up,
    down,
    failAfterRecording: (...statuses: number[]) => void failAfterRecording.push(...statuses),
    /** Deliveries with duplicates (same idempotency key) removed, in arrival order. */
    unique: () => {
      const seen = new Set<string>();
      return received.filter((r) => {
        const k = String(r.headers['idempotency-key']);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    },
    stop: down,
  };
}

/** Decodes RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=) in a header. */
export function decodeHeader(v: string): string {
  return v.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  subject: string;
}

/** A real SMTP server (smtp-server) on 127.0.0.1, plain text, that keeps every message. */
export async function startSmtpReceiver() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = decodeHeader(
          /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n[ \t]/g, ' ') ?? '',
        );
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw, subject });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    mails,
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
