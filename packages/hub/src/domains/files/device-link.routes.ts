import type { X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { compileValidator, ErrorCode, FILE_HEADERS, FILES_ROUTES as R, FileOutcome } from '@outpost/protocol';
import { serve } from '../../http/route-table.js';
import type { Clock } from '../../platform/clock.js';
import { HubError, Unauthenticated, ValidationError } from '../../platform/errors.js';
import {
  admitPeer,
  certificatesOf,
  checkPeerCertificate,
  PeerRefusal,
  type DeviceAdmission,
} from '../enrollment/index.js';
import type { FilesService } from './files.service.js';

const validateOutcome = compileValidator(FileOutcome);
const header = (req: FastifyRequest, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * The device's side of file transfers, on the hub's HTTPS server: the device certificate names the
 * device (the server asks every client for one, http/server.ts), the transfer id and its one-time
 * token name the operation the hub asked it for.
 */
export function registerDeviceLinkRoutes(
  app: FastifyInstance,
  files: FilesService,
  admission: Pick<DeviceAdmission, 'admitDevice' | 'onRefused'>,
  o: { ca: { certPem: string }; clock: Clock; maxFileBytes: number },
) {
  let ca: { pem: string; certs: X509Certificate[] } | null = null;
  const caCerts = () => {
    if (ca?.pem !== o.ca.certPem) ca = { pem: o.ca.certPem, certs: certificatesOf(o.ca.certPem) };
    return ca.certs;
  };

  // The same checks as the broker and the relay's device leg (checkPeerCertificate, admitPeer).
  async function deviceOf(req: FastifyRequest): Promise<string> {
    const peer = checkPeerCertificate(req.raw.socket as TLSSocket, caCerts(), o.clock.now().getTime());
    const r = await admitPeer(admission, peer);
    if (r.ok) return r.deviceId;
    admission.onRefused(r.deviceId, `files_${r.reason}`, req.ip);
    if (r.reason === PeerRefusal.Missing)
      throw new Unauthenticated('file transfers need a device certificate issued by this hub');
    throw new HubError(ErrorCode.Forbidden, `file transfers refused this certificate: ${r.reason}`, {
      reason: r.reason,
    });
  }
  const token = (req: FastifyRequest) => header(req, FILE_HEADERS.token);

  serve(app, R.deviceOutcome, async (req, reply) => {
    const deviceId = await deviceOf(req);
    const o = validateOutcome.check(req.body);
    if (!o.ok) throw new ValidationError(`outcome: ${o.message}`, { path: o.path });
    files.deviceSide.outcome(deviceId, req.params.id, token(req), o.value);
    return reply.status(204).send();
  });

  serve(app, R.deviceContentOut, async (req, reply) => {
    const deviceId = await deviceOf(req);
    const u = files.deviceSide.upload(deviceId, req.params.id, token(req));
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(u.size))
      .send(u.open());
  });

  // The content streams through: only this scope takes octet-stream bodies, up to the file limit.
  app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    serve(
      scope,
      R.deviceContentIn,
      async (req, reply) => {
        const deviceId = await deviceOf(req);
        const num = (name: string) => {
          const v = header(req, name);
          const n = v && /^\d{1,15}$/.test(v) ? Number(v) : NaN;
          if (!Number.isSafeInteger(n)) throw new ValidationError(`the ${name} header must be a whole number`);
          return n;
        };
        const sha256 = header(req, FILE_HEADERS.sha256) ?? '';
        if (!/^[0-9a-f]{64}$/.test(sha256))
          throw new ValidationError(`the ${FILE_HEADERS.sha256} header must be a SHA-256`);
        const [size, offset] = [num(FILE_HEADERS.size), num(FILE_HEADERS.offset)];
        if (offset > size) throw new ValidationError('the offset is past the size');
        await files.deviceSide.content(deviceId, req.params.id, token(req), {
          body: req.body as Readable,
          size,
          sha256,
          offset,
        });
        return reply.status(204).send();
      },
      { bodyLimit: o.maxFileBytes },
    );
  });
}
