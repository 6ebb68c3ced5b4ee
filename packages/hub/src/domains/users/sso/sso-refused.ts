import type { ErrorCode } from '@outpost/protocol';
import { HubError } from '../../../platform/errors.js';

/** A sign-in through a provider refused, with the stable code and the audited reason. */
export class SsoRefused extends HubError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly reason: string,
    /** The CLI's loopback port when the refused sign-in was a CLI hand-off, so it learns why. */
    readonly cliPort: number | null = null,
  ) {
    super(code, message, { reason });
  }
}
