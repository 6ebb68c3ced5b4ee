import type { TLSSocket } from 'node:tls';
import type { DeviceAdmission } from '../../enrollment/index.js';
import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { ErrorCode, IdParam, UPDATES_ROUTES as R } from '@outpost/protocol';
import { serve } from '../../../http/route-table.js';
import { Forbidden, HubError, NotFound, Unauthenticated } from '../../../platform/errors.js';
import { normalizeSerial } from '../../../platform/ids.js';
import type { ArtifactsService } from './artifacts.service.js';

/** Device admission (enrollment's) plus what a download needs of the rollout that sent the job. */
export interface DownloadAuth extends DeviceAdmission {
  /** The device was sent a job for this artifact (devices outside started waves get nothing). */
  mayDownload(deviceId: string, artifactId: string): Promise<boolean>;
  onServed?(deviceId: string, bytes: number, start: number): void;
}

type IdParams = Static<typeof IdParam>;

/** One byte range of `size` (RFC 9110 §14.1.2); null means "the whole file", 'unsatisfiable' gets 416. */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: RFC 9110 §14.2 lets a server ignore Range and send it all.
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Math.min(Number(m[2]), size);
    return n === 0 ? 'unsatisfiable' : { start: size - n, end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Artifact downloads for devices over the hub's HTTPS server, authenticated by the device
 * certificate (the server asks every client for one without requiring it, http/server.ts), with
 * Range so a dropped cellular link resumes where it stopped. Operators fetch `/content`.
 */
export function registerArtifactDownload(app: FastifyInstance, artifacts: ArtifactsService, auth: DownloadAuth) {
  const devices = new WeakMap<FastifyRequest, string>();

  async function identify(req: FastifyRequest<{ Params: IdParams }>) {
    const sock = req.raw.socket as TLSSocket;
    const cert = typeof sock.getPeerCertificate === 'function' ? sock.getPeerCertificate() : null;
    const cn = cert?.subject?.CN;
    const refuse = (id: string, reason: string) => {
      auth.onRefused(id, reason, req.ip);
      throw new Forbidden('artifact downloads need a device certificate issued by this hub');
    };
    // No certificate at all is an unauthenticated request (401); one the hub refuses is 403.
    if (!cert || !cert.serialNumber || typeof cn !== 'string') {
      auth.onRefused('unknown', 'download_certificate_missing', req.ip);
      throw new Unauthenticated('artifact downloads need a device certificate issued by this hub');
    }
    if (!sock.authorized) return refuse(cn, 'download_certificate_untrusted');
    const r = await auth.admitDevice(cn, normalizeSerial(cert.serialNumber));
    if (!r.ok) return refuse(cn, `download_${r.reason}`);
    if (!(await auth.mayDownload(cn, req.params.id)))
      throw new Forbidden('this device has no update job for that artifact');
    devices.set(req, cn);
  }

  async function send(req: FastifyRequest<{ Params: IdParams }>, reply: FastifyReply, deviceId: string | null) {
    const a = await artifacts.get(req.params.id);
    if (!a.sha256 || a.length === null) throw new NotFound('artifact content', a.id);
    const size = (await artifacts.files.size(a.sha256)) ?? a.length;
    const range = parseRange(req.headers.range, size);
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${size}`);
      throw new HubError(ErrorCode.RangeNotSatisfiable, `the range is outside the artifact's ${size} bytes`);
    }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const body = await artifacts.files.open(a.sha256, start, end);
    if (!body) throw new NotFound('artifact content', a.id);
    if (deviceId) auth.onServed?.(deviceId, end - start + 1, start);
    reply
      .status(range ? 206 : 200)
      .header('accept-ranges', 'bytes')
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(end - start + 1))
      .header('etag', `"${a.sha256}"`);
    if (range) reply.header('content-range', `bytes ${start}-${end}/${size}`);
    return reply.send(body);
  }

  serve(app, R.download, (req, reply) => send(req, reply, devices.get(req) ?? null), {
    preValidation: identify as preValidationHookHandler,
  });
  serve(app, R.content, (req, reply) => send(req, reply, null));
}
