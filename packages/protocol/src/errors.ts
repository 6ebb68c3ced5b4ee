/**
 * Stable error codes shared by the hub, the CLI, the client and the console.
 * Never rename a code: clients act on them.
 */
export const ErrorCode = {
  Validation: 'validation_failed',
  MalformedJson: 'malformed_json',
  PayloadTooLarge: 'payload_too_large',
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  RateLimited: 'rate_limited',
  InvalidCredentials: 'invalid_credentials',
  TokenUnknown: 'enrollment_token_unknown',
  TokenExpired: 'enrollment_token_expired',
  TokenSpent: 'enrollment_token_spent',
  CsrInvalid: 'csr_invalid',
  FilterSyntax: 'filter_syntax',
  FilterUnknownField: 'filter_unknown_field',
  DeviceOffline: 'device_offline',
  CommandTimeout: 'command_timeout',
  CursorInvalid: 'cursor_invalid',
  Internal: 'internal_error',
  SchemaVersion: 'schema_version_unsupported',
  MfaRequired: 'mfa_required',
  MfaInvalid: 'mfa_invalid',
  MfaStepUpRequired: 'mfa_step_up_required',
  MfaEnrollmentRequired: 'mfa_enrollment_required',
  AccessDenied: 'access_denied',
  AccessLimit: 'access_session_limit',
  ManifestInvalid: 'manifest_invalid',
  TrustRootInvalid: 'trust_root_invalid',
  RangeNotSatisfiable: 'range_not_satisfiable',
  // Single sign-on (OpenID Connect): why a sign-in through an identity provider was refused.
  SsoStateInvalid: 'sso_state_invalid',
  SsoProviderError: 'sso_provider_error',
  SsoNoMapping: 'sso_no_mapping',
  SsoNotAllowed: 'sso_not_allowed',
  SsoUserDisabled: 'sso_user_disabled',
  SsoUsernameTaken: 'sso_username_taken',
  SsoMfaRequired: 'sso_mfa_required',
  /** The user refused a device sign-in at the identity provider (RFC 8628 access_denied). */
  SsoAccessDenied: 'sso_access_denied',
  /** The device code ran out before the user approved it (RFC 8628 expired_token): start again. */
  SsoDeviceExpired: 'sso_device_expired',
  /** The identity provider does not offer this (device flow or sign-out) or the hub does not allow it. */
  SsoNotEnabled: 'sso_not_enabled',
  /** A CA still has live certificates that depend on it; retire refuses unless forced. */
  CaInUse: 'ca_in_use',
  /** The CA that signs now cannot be retired: rotate first. */
  CaActive: 'ca_active',
  /** The CA was retired already. */
  CaRetired: 'ca_already_retired',
  /** Too many CAs are trusted at once: retire one before rotating again. */
  CaLimit: 'ca_limit',
  /** The device does not exist, or lies outside the caller's group scope (the two are not told apart). */
  DeviceNotFound: 'device_not_found',
  /** A group-scoped caller asked for something that reaches beyond its scope. */
  OutsideScope: 'outside_scope',
  /** A device refused a file operation; `details.reason` says why (path_outside_root, root_read_only…). */
  DeviceFileRefused: 'device_file_refused',
  /** The hub's spool for file transfers is full, or a file is larger than the hub takes. */
  FileSpoolFull: 'file_spool_full',
  /** A group (or one of the paths a rename would create) exists already. */
  GroupExists: 'group_exists',
  /** A group rename found references it cannot rewrite (`details.refused` lists them); nothing was renamed. */
  GroupReferencesUnrewritable: 'group_references_unrewritable',
  /** The broker named in a move is not one of the hub's brokers. */
  BrokerUnknown: 'broker_unknown',
  /** Devices are on the embedded broker: there is no other broker to move them to. */
  BrokerMoveUnavailable: 'broker_move_unavailable',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The body of every error answered by the REST API. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  requestId: string;
  /** Extra machine-readable detail, e.g. `{ position: 12 }` for a filter syntax error. */
  details?: Record<string, unknown>;
}
