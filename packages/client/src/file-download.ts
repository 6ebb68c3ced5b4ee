import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { ErrorBody } from '@outpost/protocol';
import { ApiError, type TransportOptions } from './transport.js';

export interface FileDownload {
  bytes: number;
  sha256: string;
  headers: IncomingHttpHeaders;
}

/**
 * GETs `path` from the hub into `filePath` (Node only), hashing it on the way. The bytes go to
 * `<filePath>.partial` first; the file appears under its name only when the response was
 * complete and `accept` (if given) did not throw. A non-200 answer rejects with its ApiError.
 */
export async function downloadToFile(
  o: TransportOptions,
  path: string,
  filePath: string,
  accept?: (got: FileDownload) => void,
): Promise<FileDownload> {
  const url = new URL(path, o.baseUrl);
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.session) headers.cookie = `outpost_session=${o.session}`;
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const partial = `${filePath}.partial`;
  const got = await new Promise<FileDownload>((resolve, reject) => {
    const r = req(url, { method: 'GET', headers, ca: o.caPem }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => reject(apiError(status, Buffer.concat(chunks))));
        return;
      }
      const hash = createHash('sha256');
      let bytes = 0;
      const out = createWriteStream(partial, { mode: 0o600 });
      res.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
      });
      res.pipe(out);
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('the hub ended the download early')));
      out.on('error', reject);
      out.on('finish', () => {
        if (!res.complete) return reject(new Error('the download was cut short'));
        try {
          const done = { bytes, sha256: hash.digest('hex'), headers: res.headers };
          accept?.(done);
          resolve(done);
        } catch (err) {
          reject(err as Error);
        }
      });
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

function apiError(status: number, body: Buffer): ApiError {
  let e: Partial<ErrorBody> = {};
  try {
    e = JSON.parse(body.toString('utf8')) as Partial<ErrorBody>;
  } catch {
    // not JSON: the status says enough
  }
  return new ApiError(status, e.code ?? `http_${status}`, e.message ?? `HTTP ${status}`, e.requestId, e.details);
}
