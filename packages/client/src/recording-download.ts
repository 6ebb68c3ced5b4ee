import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { ACCESS_ROUTES, routeUrl, type ErrorBody } from '@outpost/protocol';
import { ApiError, type TransportOptions } from './transport.js';

export interface DownloadedRecording {
  /** `asciicast` (console and serial transcripts) or `pcap` (TCP sessions with capture on). */
  kind: 'asciicast' | 'pcap';
  bytes: number;
  sha256: string;
}

/**
 * Streams a session's recording to a file (Node only), hashing it on the way. The file appears
 * under its name only when its SHA-256 equals the one the hub sealed in the audit log.
 */
export async function downloadRecording(
  o: TransportOptions,
  sessionId: string,
  filePath: string,
): Promise<DownloadedRecording> {
  const url = new URL(routeUrl(ACCESS_ROUTES.recording, { id: sessionId }), o.baseUrl);
  const headers: Record<string, string> = {};
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.session) headers.cookie = `outpost_session=${o.session}`;
  const req = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const partial = `${filePath}.partial`;
  const got = await new Promise<DownloadedRecording>((resolve, reject) => {
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
      const sealed = String(res.headers['x-outpost-sha256'] ?? '');
      const kind = String(res.headers['content-type'] ?? '').includes('asciicast') ? 'asciicast' : 'pcap';
      const hash = createHash('sha256');
      let bytes = 0;
      const out = createWriteStream(partial, { mode: 0o600 });
      res.on('data', (c: Buffer) => {
        hash.update(c);
        bytes += c.length;
      });
      res.pipe(out);
      res.on('error', reject);
      out.on('error', reject);
      out.on('finish', () => {
        const sha256 = hash.digest('hex');
        if (sha256 !== sealed)
          return reject(
            new Error(`the recording of ${sessionId} does not match its sealed SHA-256 (${sealed}); got ${sha256}`),
          );
        resolve({ kind, bytes, sha256 });
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
