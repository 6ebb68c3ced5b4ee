import { ErrorCode } from '@outpost/protocol';
import { HubError } from '../../../platform/errors.js';

export class PayloadTooLarge extends HubError {
  constructor(maxBytes: number) {
    super(ErrorCode.PayloadTooLarge, `the artifact is larger than the hub accepts (${maxBytes} bytes)`);
  }
}

export class ManifestInvalid extends HubError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.ManifestInvalid, message, details);
  }
}

export class TrustRootInvalid extends HubError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.TrustRootInvalid, message, details);
  }
}
