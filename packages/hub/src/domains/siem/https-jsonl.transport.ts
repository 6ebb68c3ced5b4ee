import { request } from 'node:https';

export interface HttpsJsonlTarget {
  url: string;
  caPem?: string;
  /** Bearer token, opened from its sealed form for this one request; never logged. */
  token: string | null;
  timeoutMs: number;
}

/**
 * POSTs one batch as JSON lines (one event per line). Accepted means a 2xx answer: only then does
 * the cursor move. `x-outpost-batch` names the batch (source and positions), the same on a resend,
 * so a receiver can drop a batch it already has. The receiver's certificate is always verified
 * (against `caPem` when given); a redirect is not followed.
 */
export function sendHttpsJsonl(t: HttpsJsonlTarget, lines: string[], batchId: string): Promise<void> {
  const body = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
  const headers: Record<string, string> = {
    'content-type': 'application/x-ndjson',
    'content-length': String(body.length),
    'user-agent': 'outpost-hub',
    'x-outpost-batch': batchId,
  };
  if (t.token) headers.authorization = `Bearer ${t.token}`;
  return new Promise((resolve, reject) => {
    const req = request(
      t.url,
      { method: 'POST', headers, ca: t.caPem, rejectUnauthorized: true, timeout: t.timeoutMs },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text.length < 256 ? (text += c) : undefined));
        res.on('end', () => {
          const s = res.statusCode ?? 0;
          if (s >= 200 && s < 300) resolve();
          else reject(new Error(`HTTPS receiver answered ${s}${text ? `: ${text.slice(0, 200)}` : ''}`));
        });
        res.on('error', (e) => reject(new Error(`HTTPS receiver: ${e.message}`)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${t.timeoutMs} ms`)));
    req.on('error', (e: Error & { code?: string }) =>
      reject(new Error(`HTTPS receiver: ${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`)),
    );
    req.end(body);
  });
}
