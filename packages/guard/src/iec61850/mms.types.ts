// MMS PDUs (ISO 9506-2 §7): the confirmed services IEC 61850 clients use (read, write,
// getNameList, getVariableAccessAttributes), informationReport, and the PDU kinds around
// them. Object names are kept as "domain/item" (domain-specific), "item" (vmd-specific) or
// "@item" (association-specific).

export type MmsPduKind =
  | 'confirmed-request'
  | 'confirmed-response'
  | 'confirmed-error'
  | 'unconfirmed'
  | 'reject'
  | 'cancel-request'
  | 'cancel-response'
  | 'cancel-error'
  | 'initiate-request'
  | 'initiate-response'
  | 'initiate-error'
  | 'conclude-request'
  | 'conclude-response'
  | 'conclude-error';

export const MMS_PDU_KINDS: MmsPduKind[] = [
  'confirmed-request',
  'confirmed-response',
  'confirmed-error',
  'unconfirmed',
  'reject',
  'cancel-request',
  'cancel-response',
  'cancel-error',
  'initiate-request',
  'initiate-response',
  'initiate-error',
  'conclude-request',
  'conclude-response',
  'conclude-error',
];

// ConfirmedServiceRequest/Response choice numbers (ISO 9506-2 §7.3.1) named here.
export const MMS_SERVICES: Record<number, string> = {
  0: 'status',
  1: 'getNameList',
  2: 'identify',
  4: 'read',
  5: 'write',
  6: 'getVariableAccessAttributes',
  12: 'getNamedVariableListAttributes',
  11: 'defineNamedVariableList',
  13: 'deleteNamedVariableList',
  72: 'fileOpen',
  73: 'fileRead',
  74: 'fileClose',
  77: 'fileDirectory',
};

/** Names, identifiers and results listed per PDU at most; the count is kept beyond. */
export const MAX_NAMES = 64;

export interface MmsMessage {
  pdu: MmsPduKind;
  invokeId?: number;
  /** Service name, and its choice number in the request/response/unconfirmed CHOICE. */
  service?: string;
  serviceTag?: number;
  /** Object names a read, write, attribute query or report names; a named variable list as "list:". */
  objects?: string[];
  /** getNameList: object class asked for, scope ("vmd", "aa" or the domain), continueAfter. */
  objectClass?: number;
  scope?: string;
  continueAfter?: string;
  /** getNameList response: identifiers and whether more follow. */
  identifiers?: string[];
  identifierCount?: number;
  moreFollows?: boolean;
  /** Data values carried (read response, write request, report), counted over the whole tree. */
  values?: number;
  /** Per-item outcome of a read/write response or report: "ok" or the DataAccessError code. */
  results?: string[];
  /** getVariableAccessAttributes response: whether the variable is deletable. */
  deletable?: boolean;
  malformed?: string;
}

export type MmsResult = { ok: true; mms: MmsMessage } | { ok: false; reason: string };
