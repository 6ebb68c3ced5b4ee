import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import nodemailer from 'nodemailer';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature.js';
import type { OutboxMessage } from './outbox.store.js';

/** A failed attempt; `permanent` failures go to the dead letters without more retries. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}

export interface WebhookConfig {
  url: string;
  timeoutMs: number;
  caPem?: string;
}

export interface EmailConfig {
  host: string;
  port: number;
  tls: 'starttls' | 'implicit' | 'none';
  rejectUnauthorized: boolean;
  username?: string;
  from: string;
  to: string[];
}

export interface MqttConfig {
  topic: string;
  qos: 0 | 1;
}

// 408, 425 and 429 are worth retrying; any other 4xx will fail the same way again.
const RETRYABLE_4XX = new Set([408, 409, 425, 429]);

export function sendWebhook(
  cfg: WebhookConfig,
  secret: string,
  m: OutboxMessage,
  attempt: number,
  nowS: number,
): Promise<void> {
  const body = JSON.stringify(m.body.json);
  const url = new URL(cfg.url);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'outpost-hub',
    'x-outpost-event': m.kind,
    'x-outpost-delivery': m.id,
    'x-outpost-attempt': String(attempt),
    [IDEMPOTENCY_HEADER]: m.id,
    [TIMESTAMP_HEADER]: String(nowS),
    [SIGNATURE_HEADER]: signWebhook(secret, nowS, body),
    'content-length': String(Buffer.byteLength(body)),
  };
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = req(url, { method: 'POST', headers, timeout: cfg.timeoutMs, ca: cfg.caPem }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text.length < 512 ? (text += c) : undefined));
      res.on('end', () => {
        const s = res.statusCode ?? 0;
        if (s >= 200 && s < 300) return resolve();
        const permanent = s >= 400 && s < 500 && !RETRYABLE_4XX.has(s);
        reject(new SendError(`HTTP ${s}${text ? `: ${text.slice(0, 200)}` : ''}`, permanent));
      });
      res.on('error', (e) => reject(new SendError(e.message)));
    });
    r.on('timeout', () => r.destroy(new Error(`no answer within ${cfg.timeoutMs} ms`)));
    r.on('error', (e) => reject(new SendError(e.message)));
    r.end(body);
  });
}

export async function sendEmail(cfg: EmailConfig, password: string | null, m: OutboxMessage): Promise<void> {
  const transport = nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.tls === 'implicit',
    requireTLS: cfg.tls === 'starttls',
    ignoreTLS: cfg.tls === 'none',
    tls: { rejectUnauthorized: cfg.rejectUnauthorized },
    ...(cfg.username ? { auth: { user: cfg.username, pass: password ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({
      from: cfg.from,
      to: cfg.to,
      subject: m.body.email.subject,
      text: m.body.email.text,
      html: m.body.email.html,
      // The same Message-ID on every attempt lets mail clients drop a duplicate delivery.
      messageId: `<${m.id}@outpost>`,
      headers: { 'X-Outpost-Delivery': m.id, 'X-Outpost-Event': m.kind },
      attachments: m.body.email.attachments?.map((a) => ({
        filename: a.filename,
        content: a.content,
        contentType: a.contentType,
      })),
    });
  } catch (err) {
    const e = err as Error & { responseCode?: number };
    // SMTP 5xx is a permanent refusal (RFC 5321 §4.2.1); 4xx and network errors are transient.
    throw new SendError(e.message, (e.responseCode ?? 0) >= 500);
  } finally {
    transport.close();
  }
}
