import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { DIAGNOSTICS_ROUTES, routeUrl, type ErrorBody } from '@outpost/protocol';
import { ApiError, type TransportOptions } from './transport.js';

/** Streams a diagnostic run's results (zip or JSON) to a file (Node only); the file appears only when complete. */
export async function downloadDiagnostics(
  o: TransportOptions,
  runId: string,
  format: 'zip' | 'json',
  filePath: string,
): Promise<{ bytes: number }> {
  const route = format === 'zip' ? DIAGNOSTICS_ROUTES.downloadZip : DIAGNOSTICS_ROUTES.downloadJson;
  const url = new URL(routeUrl(route, { id: runId }), o.baseUrl);
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.session) headers.cookie = `outpost_session=${o.session}`;
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const partial = `${filePath}.partial`;
  const got = await new Promise<{ bytes: number }>((resolve, reject) => {
    const r = req(url, { method: 'GET', headers, ca: o.caPem }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let e: Partial<ErrorBody> = {};
          try {
            e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<ErrorBody>;
          } catch {
            // not JSON: the status says enough
          }
          reject(
            new ApiError(status, e.code ?? `http_${status}`, e.message ?? `HTTP ${status}`, e.requestId, e.details),
          );
        });
        return;
      }
      let bytes = 0;
      const out = createWriteStream(partial, { mode: 0o600 });
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.pipe(out);
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('the hub ended the download early')));
      out.on('error', reject);
      out.on('finish', () => (res.complete ? resolve({ bytes }) : reject(new Error('the download was cut short'))));
    });
    r.on('error', reject);
    r.end();
  }).catch(async (err: unknown) => {
    await rm(partial, { force: true });
    throw err;
  });
  await rename(partial, filePath);
  return got;
}
