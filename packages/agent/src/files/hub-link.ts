import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { FileHandle } from 'node:fs/promises';
import { FILE_HEADERS, type FileOutcome, type FilesCommandArgs } from '@outpost/protocol';

/** The device's TLS identity, read at dial time (a renewal replaces its fields). */
export interface DeviceTls {
  keyPem: string;
  certPem: string;
  caPem: string;
}

const IDLE_MS = 60_000;

function transferUrl(a: FilesCommandArgs, leaf: 'outcome' | 'content'): URL {
  return new URL(`/api/v1/device-files/transfers/${encodeURIComponent(a.transfer)}/${leaf}`, a.hub);
}

function options(tls: DeviceTls, method: string, headers: Record<string, string>) {
  // The device certificate authenticates the device; the hub CA authenticates the hub.
  return { method, key: tls.keyPem, cert: tls.certPem, ca: tls.caPem, headers, timeout: IDLE_MS };
}

function expectOk(res: IncomingMessage, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 4096) chunks.push(c);
    });
    res.on('end', () => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return resolve();
      reject(
        new Error(`${what}: the hub answered HTTP ${status} ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`),
      );
    });
    res.on('error', reject);
  });
}

/** Posts what became of the operation (its result, or the refusal and its reason). */
export function postOutcome(a: FilesCommandArgs, tls: DeviceTls, outcome: FileOutcome): Promise<void> {
  const body = Buffer.from(JSON.stringify(outcome));
  return new Promise((resolve, reject) => {
    const req = request(
      transferUrl(a, 'outcome'),
      options(tls, 'POST', {
        'content-type': 'application/json',
        'content-length': String(body.length),
        [FILE_HEADERS.token]: a.token,
      }),
      (res) => expectOk(res, 'file outcome').then(resolve, reject),
    );
    req.on('timeout', () => req.destroy(new Error('the hub did not answer the file outcome')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Streams bytes [offset, size) of an open file to the hub, with the SHA-256 of the whole first
 * `size` bytes. TCP flow control paces it: the file is read only as fast as the hub takes it.
 */
export function putContent(
  a: FilesCommandArgs,
  tls: DeviceTls,
  f: { fh: FileHandle; offset: number; size: number; sha256: string },
): Promise<void> {
  const length = f.size - f.offset;
  return new Promise((resolve, reject) => {
    const req = request(
      transferUrl(a, 'content'),
      options(tls, 'PUT', {
        'content-type': 'application/octet-stream',
        'content-length': String(length),
        [FILE_HEADERS.token]: a.token,
        [FILE_HEADERS.sha256]: f.sha256,
        [FILE_HEADERS.size]: String(f.size),
        [FILE_HEADERS.offset]: String(f.offset),
      }),
      (res) => expectOk(res, 'file content').then(resolve, reject),
    );
    req.on('timeout', () => req.destroy(new Error('the hub stopped taking the file')));
    req.on('error', reject);
    if (length === 0) return void req.end();
    const stream = f.fh.createReadStream({
      start: f.offset,
      end: f.size - 1,
      autoClose: false,
      highWaterMark: 64 * 1024,
    });
    stream.on('error', (err) => req.destroy(err));
    stream.pipe(req);
  });
}

/** Fetches the bytes the hub holds for an upload to this device. */
export function getContent(a: FilesCommandArgs, tls: DeviceTls): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(transferUrl(a, 'content'), options(tls, 'GET', { [FILE_HEADERS.token]: a.token }), (res) => {
      if (res.statusCode === 200) return resolve(res);
      expectOk(res, 'file content').then(() => reject(new Error(`unexpected HTTP ${res.statusCode}`)), reject);
    });
    req.on('timeout', () => req.destroy(new Error('the hub stopped sending the file')));
    req.on('error', reject);
    req.end();
  });
}
