// HTTPS calls from the device to the hub: `fetchPinned` before enrollment
// (trust = CA fingerprint from the token), `fetchMutual` afterwards (trust =
// the stored CA certificate, authenticated with the device certificate).
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Identity } from './identity.store.js';
import { normalizeFingerprint, verifyPinnedPeer } from './server-pin.js';

export { PinError, type PinErrorCode } from './server-pin.js';

export interface FetchResult {
  status: number;
  body: string;
}

export interface FetchOptions {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Whole-exchange deadline; default 30 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * HTTPS request that trusts the server only if its presented chain holds the CA
 * whose SHA-256 fingerprint is `caFingerprint`. Nothing, not even the request
 * line, is sent before that check passes; a mismatch rejects with a PinError
 * whose code is 'ca_pin_mismatch'.
 */
export async function fetchPinned(url: string, opts: FetchOptions & { caFingerprint: string }): Promise<FetchResult> {
  const pin = normalizeFingerprint(opts.caFingerprint);
  const target = new URL(url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  // The chain is not in any trust store, so OpenSSL's verdict is ignored and the pin decides.
  return send(target, { rejectUnauthorized: false }, opts, (socket) => verifyPinnedPeer(socket, host, pin));
}

/** HTTPS request with the device certificate, trusting only the CA stored with the identity. */
export function fetchMutual(
  url: string,
  opts: FetchOptions & { identity: Pick<Identity, 'certPem' | 'privateKeyPem' | 'caPem'> },
): Promise<FetchResult> {
  const { certPem, privateKeyPem, caPem } = opts.identity;
  return send(new URL(url), { cert: certPem, key: privateKeyPem, ca: caPem, rejectUnauthorized: true }, opts);
}

function send(
  url: URL,
  tls: RequestOptions,
  opts: FetchOptions,
  verify?: (socket: TLSSocket) => void,
): Promise<FetchResult> {
  if (url.protocol !== 'https:')
    return Promise.reject(new Error(`only https:// URLs are allowed (got ${url.protocol})`));
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body, 'utf8');
  const headers = { ...opts.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
  return new Promise<FetchResult>((resolve, reject) => {
    // agent: false gives every call a fresh connection, so the check below always runs on a new handshake.
    const req = request(url, { ...tls, method: opts.method ?? 'GET', headers, agent: false });
    const timer = setTimeout(
      () => req.destroy(new Error(`request to ${url.origin} timed out`)),
      opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
    const settle =
      <T>(fn: (v: T) => void) =>
      (v: T) => {
        clearTimeout(timer);
        fn(v);
      };
    req.on('error', settle(reject));
    req.on('response', (res) => readBody(res).then(settle(resolve), settle(reject)));
    if (!verify) {
      req.end(body);
      return;
    }
    req.once('socket', (socket) => {
      socket.once('secureConnect', () => {
        try {
          verify(socket as TLSSocket);
        } catch (err) {
          req.destroy(err as Error);
          return;
        }
        req.end(body);
      });
    });
  });
}

function readBody(res: IncomingMessage): Promise<FetchResult> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) res.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
      else chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
  });
}
