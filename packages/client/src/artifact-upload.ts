import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { UPDATES_ROUTES, routeUrl, type ArtifactRecord, type ErrorBody } from '@outpost/protocol';
import { ApiError, type TransportOptions } from './transport.js';

/**
 * Streams a file as an artifact's content (Node only): the file is never read into memory, and
 * the hub hashes it as it arrives. `sha256`, when given, must match what the hub computes.
 */
export async function uploadArtifact(
  o: TransportOptions,
  id: string,
  filePath: string,
  opts: { sha256?: string; onProgress?(sent: number, total: number): void } = {},
): Promise<ArtifactRecord> {
  const size = (await stat(filePath)).size;
  const url = new URL(routeUrl(UPDATES_ROUTES.uploadContent, { id }, { sha256: opts.sha256 }), o.baseUrl);
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/octet-stream',
    'content-length': String(size),
  };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.session) headers.cookie = `outpost_session=${o.session}`;
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const r = req(url, { method: 'PUT', headers, ca: o.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return reject(
            new ApiError(
              res.statusCode ?? 0,
              'bad_response',
              `the hub answered HTTP ${res.statusCode} with a body that is not JSON`,
            ),
          );
        }
        if ((res.statusCode ?? 0) >= 400) {
          const e = body as Partial<ErrorBody>;
          return reject(
            new ApiError(
              res.statusCode ?? 0,
              e.code ?? `http_${res.statusCode}`,
              e.message ?? 'upload failed',
              e.requestId,
              e.details,
            ),
          );
        }
        resolve(body as ArtifactRecord);
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    let sent = 0;
    const file = createReadStream(filePath, { highWaterMark: 1024 * 1024 });
    file.on('data', (chunk) => {
      sent += chunk.length;
      opts.onProgress?.(sent, size);
    });
    file.on('error', (err) => r.destroy(err));
    file.pipe(r);
  });
}
