import { request } from 'node:https';
import type { CustomFetch } from 'openid-client';

// Discovery documents, keys, tokens and user info are small; a provider sending more is refused.
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * A fetch for openid-client that trusts exactly `caPem` (or the system's CAs when absent) for the
 * provider's TLS certificate, per connection; nothing process-wide is changed.
 */
export function trustedFetch(caPem: string | undefined): CustomFetch {
  return (url, options) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new Error(`refusing a plain-HTTP request to ${target.origin}`));
        return;
      }
      const req = request(
        target,
        { method: options.method, headers: options.headers, signal: options.signal, ...(caPem ? { ca: caPem } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
              res.destroy(new Error(`the answer of ${target.origin} is larger than ${MAX_BODY_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              for (const v of ([] as string[]).concat(value ?? [])) headers.append(name, v);
            const status = res.statusCode ?? 502;
            const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
            resolve(new Response(body, { status, headers }));
          });
        },
      );
      req.on('error', reject);
      const body = options.body;
      if (body === undefined || body === null) req.end();
      else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
      else if (body instanceof URLSearchParams) req.end(body.toString());
      else req.destroy(new Error('unsupported request body'));
    });
}
