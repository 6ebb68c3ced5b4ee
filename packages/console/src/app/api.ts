import {
  ApiError,
  createBrowserClient,
  fetchTransport,
  type OutpostClient,
  type Transport,
} from '@outpost/client/browser';
import type { ErrorCode } from '@outpost/protocol';

let askForCode: (() => Promise<string | null>) | null = null;

/** Registers the prompt that asks for an authenticator code when an action needs a fresh one. */
export function onStepUpNeeded(ask: (() => Promise<string | null>) | null) {
  askForCode = ask;
}

/** Asks for an authenticator code the way a refused action does (for requests that do not go through `api`). */
export function stepUpCode(): Promise<string | null> {
  return askForCode ? askForCode() : Promise.resolve(null);
}

/**
 * Dangerous actions (rollouts, guard write grants, remote access) answer `mfa_step_up_required`
 * when the second factor was proved too long ago. Rather than fail the click, ask for a code,
 * prove it for the session (`/auth/mfa/verify`) and send the same request once more.
 */
const stepUpTransport: Transport = async (o, method, path, body) => {
  const res = await fetchTransport(o, method, path, body);
  if (res.status !== 403 || !askForCode || path.startsWith('/api/v1/auth/')) return res;
  let err: { code?: string; details?: { enrolled?: boolean } } = {};
  try {
    err = JSON.parse(res.body) as typeof err;
  } catch {
    return res;
  }
  if (err.code !== 'mfa_step_up_required' || !err.details?.enrolled) return res;
  const code = await askForCode();
  if (!code) return res;
  const verified = await fetchTransport(o, 'POST', '/api/v1/auth/mfa/verify', { code });
  if (verified.status >= 300) return verified;
  return fetchTransport(o, method, path, body);
};

/** The one client of the hub's REST API in this page (same origin, session cookie). */
export const api: OutpostClient = createBrowserClient({ transport: stepUpTransport });

export { ApiError };

// What an operator should read for each stable error code; the hub's own message is kept
// where it names the specific problem (validation, filters, conflicts).
const MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: 'Your session has ended. Sign in again.',
  invalid_credentials: 'Wrong username or password.',
  forbidden: 'Your role does not allow this.',
  rate_limited: 'Too many attempts. Wait a few minutes, then try again.',
  mfa_required: 'Enter the code from your authenticator app.',
  mfa_invalid: 'That code is wrong or has expired. Wait for the next one and try again.',
  mfa_step_up_required: 'Confirm it is you: enter a code from your authenticator app.',
  mfa_enrollment_required: 'Your role requires a second factor. Set one up before you continue.',
  command_timeout:
    'The device did not answer in time. It may be busy or its link slow; the result will still show here if it arrives.',
  internal_error: 'Something went wrong on the hub.',
  payload_too_large: 'That is too large for the hub to accept.',
  cursor_invalid: 'The list changed underneath this page. Start again from the first page.',
};

/** A human sentence for a failed call; keeps the request id so a log line can be found. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const base = MESSAGES[err.code as ErrorCode] ?? err.message;
    return err.code === 'internal_error' && err.requestId ? `${base} (request ${err.requestId})` : base;
  }
  if (err instanceof TypeError) return 'The hub cannot be reached. Check the connection and try again.';
  return err instanceof Error ? err.message : String(err);
}

export function isApiError(err: unknown, code?: string): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}
