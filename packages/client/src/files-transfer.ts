import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { FILE_HEADERS, FILES_ROUTES, routeUrl, type ErrorBody, type FileEntry } from '@outpost/protocol';
import { downloadToFile } from './file-download.js';
import { ApiError, type TransportOptions } from './transport.js';

// Moving device files through the hub (Node only): content streams from and to disk, never into memory.

function open(
  o: TransportOptions,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): { req: ReturnType<typeof httpsRequest>; res: Promise<IncomingMessage> } {
  const url = new URL(path, o.baseUrl);
  const h: Record<string, string> = { ...headers };
  if (o.token) h.authorization = `Bearer ${o.token}`;
  if (o.session) h.cookie = `outpost_session=${o.session}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let req!: ReturnType<typeof httpsRequest>;
  const res = new Promise<IncomingMessage>((resolve, reject) => {
    req = send(url, { method, headers: h, ca: o.caPem }, resolve);
    req.on('error', reject);
  });
  return { req, res };
}

async function failure(res: IncomingMessage): Promise<ApiError> {
  const chunks: Buffer[] = [];
  for await (const c of res) if (chunks.length < 64) chunks.push(c as Buffer);
  let e: Partial<ErrorBody> = {};
  try {
    e = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Partial<ErrorBody>;
  } catch {
    // not JSON: the status says enough
  }
  const status = res.statusCode ?? 0;
  return new ApiError(status, e.code ?? `http_${status}`, e.message ?? `HTTP ${status}`, e.requestId, e.details);
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of createReadStream(file)) hash.update(c as Buffer);
  return hash.digest('hex');
}

export interface DownloadedDeviceFile {
  size: number;
  sha256: string;
  /** Bytes already on disk from an earlier, interrupted download (0 when it started afresh). */
  resumedFrom: number;
  transfer: string;
}

/**
 * Downloads a device file to `filePath`. Bytes land in `<filePath>.partial`; with `resume`, a
 * partial file left by an interrupted run is continued from its end. The file gets its name only
 * when the SHA-256 of the whole of it equals the one the device reported.
 */
export async function downloadDeviceFile(
  o: TransportOptions,
  deviceId: string,
  q: { root: string; path: string },
  filePath: string,
  opts: { resume?: boolean } = {},
): Promise<DownloadedDeviceFile> {
  const partial = `${filePath}.partial`;
  const have = opts.resume
    ? await stat(partial).then(
        (s) => s.size,
        () => 0,
      )
    : 0;
  const url = routeUrl(FILES_ROUTES.download, { id: deviceId }, { ...q, offset: have || undefined });
  const { req, res } = open(o, 'GET', url);
  req.end();
  const r = await res;
  if (r.statusCode !== 200) throw await failure(r);
  const sha256 = String(r.headers[FILE_HEADERS.sha256] ?? '');
  const size = Number(r.headers[FILE_HEADERS.size]);
  const offset = Number(r.headers[FILE_HEADERS.offset] ?? 0);
  if (offset !== have) throw new Error(`the hub sent bytes from ${offset}, not ${have}`);
  await pipeline(r, createWriteStream(partial, { flags: have ? 'a' : 'w', mode: 0o600 }));
  const got = await sha256Of(partial);
  if (got !== sha256) {
    await rm(partial, { force: true });
    throw new Error(
      `${q.root}/${q.path}: the SHA-256 of what arrived (${got}) is not the device's (${sha256}); run again`,
    );
  }
  await rename(partial, filePath);
  return { size, sha256, resumedFrom: have, transfer: String(r.headers[FILE_HEADERS.transfer] ?? '') };
}

/**
 * Uploads a local file to a device's `rw` root. Its SHA-256 goes with it: the device writes a
 * temporary file, compares the hash and only then renames it into place.
 */
export async function uploadDeviceFile(
  o: TransportOptions,
  deviceId: string,
  q: { root: string; path: string; mode?: number; otp?: string; sha256?: string },
  filePath: string,
): Promise<{ transfer: string; size: number; sha256: string; entry?: FileEntry }> {
  const size = (await stat(filePath)).size;
  const sha256 = q.sha256 ?? (await sha256Of(filePath));
  const url = routeUrl(FILES_ROUTES.upload, { id: deviceId }, { root: q.root, path: q.path, mode: q.mode, sha256 });
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/octet-stream',
    'content-length': String(size),
    ...(q.otp ? { [FILE_HEADERS.otp]: q.otp } : {}),
  };
  const { req, res } = open(o, 'PUT', url, headers);
  const file = createReadStream(filePath);
  file.on('error', (err) => req.destroy(err));
  file.pipe(req);
  const r = await res;
  if ((r.statusCode ?? 0) >= 300) throw await failure(r);
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as { transfer: string; size: number; sha256: string };
}

/** Streams a finished bulk pull's ZIP to `filePath` (written as `.partial`, renamed when complete). */
export async function downloadPullArchive(o: TransportOptions, pullId: string, filePath: string): Promise<number> {
  return (await downloadToFile(o, routeUrl(FILES_ROUTES.pullArchive, { id: pullId }), filePath)).bytes;
}
