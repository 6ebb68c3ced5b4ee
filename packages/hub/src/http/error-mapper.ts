import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, type ErrorBody } from '@outpost/protocol';
import { HubError } from '../platform/errors.js';

// The one place that knows HTTP statuses.
const STATUS: Record<string, number> = {
  [ErrorCode.Validation]: 400,
  [ErrorCode.MalformedJson]: 400,
  [ErrorCode.FilterSyntax]: 400,
  [ErrorCode.FilterUnknownField]: 400,
  [ErrorCode.CursorInvalid]: 400,
  [ErrorCode.CsrInvalid]: 400,
  [ErrorCode.SchemaVersion]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.InvalidCredentials]: 401,
  [ErrorCode.TokenUnknown]: 401,
  [ErrorCode.TokenExpired]: 401,
  [ErrorCode.TokenSpent]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.DeviceOffline]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.CommandTimeout]: 504,
  [ErrorCode.MfaRequired]: 401,
  [ErrorCode.MfaInvalid]: 401,
  [ErrorCode.MfaStepUpRequired]: 403,
  [ErrorCode.MfaEnrollmentRequired]: 403,
  [ErrorCode.AccessDenied]: 403,
  [ErrorCode.AccessLimit]: 409,
  [ErrorCode.ManifestInvalid]: 400,
  [ErrorCode.TrustRootInvalid]: 400,
  [ErrorCode.RangeNotSatisfiable]: 416,
  [ErrorCode.SsoStateInvalid]: 400,
  [ErrorCode.SsoProviderError]: 401,
  [ErrorCode.SsoNoMapping]: 403,
  [ErrorCode.SsoNotAllowed]: 403,
  [ErrorCode.SsoUserDisabled]: 403,
  [ErrorCode.SsoUsernameTaken]: 409,
  [ErrorCode.SsoMfaRequired]: 403,
  [ErrorCode.SsoAccessDenied]: 403,
  [ErrorCode.SsoDeviceExpired]: 410,
  [ErrorCode.SsoNotEnabled]: 404,
  [ErrorCode.DeviceNotFound]: 404,
  [ErrorCode.OutsideScope]: 403,
  [ErrorCode.DeviceFileRefused]: 422,
  [ErrorCode.FileSpoolFull]: 507,
  [ErrorCode.GroupExists]: 409,
  [ErrorCode.GroupReferencesUnrewritable]: 409,
  [ErrorCode.BrokerUnknown]: 400,
  [ErrorCode.BrokerMoveUnavailable]: 409,
};

function send(
  reply: FastifyReply,
  req: FastifyRequest,
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
) {
  const body: ErrorBody = { code, message, requestId: req.id, ...(details ? { details } : {}) };
  // RFC 9110 §10.2.3: a refusal that says how long to wait says it to clients that read headers too.
  if (code === ErrorCode.RateLimited && typeof details?.retryAfterS === 'number')
    reply.header('retry-after', String(Math.ceil(details.retryAfterS)));
  return reply
    .status(STATUS[code] ?? 500)
    .type('application/json')
    .send(body);
}

export function mapError(err: FastifyError | HubError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof HubError) return send(reply, req, err.code, err.message, err.details);
  const fe = err as FastifyError;
  if (fe.validation) {
    const first = fe.validation[0];
    const path = `${fe.validationContext ?? 'body'}${first?.instancePath || ''}`;
    return send(reply, req, ErrorCode.Validation, `${path}: ${first?.message ?? 'invalid'}`, { path });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send(reply, req, ErrorCode.MalformedJson, 'the request body is not valid JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send(reply, req, ErrorCode.PayloadTooLarge, 'the request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send(reply, req, ErrorCode.Validation, 'send the body as application/json');
  }
  if (err instanceof SyntaxError)
    return send(reply, req, ErrorCode.MalformedJson, 'the request body is not valid JSON');
  req.log.error({ err }, 'unhandled error');
  return send(reply, req, ErrorCode.Internal, 'something went wrong on the hub; the request id is in the log');
}
