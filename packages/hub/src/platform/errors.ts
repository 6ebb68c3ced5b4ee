import { ErrorCode } from '@outpost/protocol';

/**
 * A failure the caller can act on. It carries a stable code from `protocol` and
 * knows nothing of HTTP: the transport maps codes to statuses in one place.
 */
export class HubError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFound extends HubError {
  constructor(what: string, id: string) {
    super(ErrorCode.NotFound, `${what} "${id}" not found`);
  }
}

export class Conflict extends HubError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.Conflict, message, details);
  }
}

export class ValidationError extends HubError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.Validation, message, details);
  }
}

export class Forbidden extends HubError {
  constructor(message = 'your role does not allow this action') {
    super(ErrorCode.Forbidden, message);
  }
}

export class Unauthenticated extends HubError {
  constructor(message = 'sign in or present an API token') {
    super(ErrorCode.Unauthenticated, message);
  }
}
