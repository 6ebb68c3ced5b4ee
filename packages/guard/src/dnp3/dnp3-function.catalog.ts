import type { GuardClass } from '../shared/guard.types.js';

// Application function codes, IEEE 1815-2012 §4.2.2.5 (Table 4-4).
export const Dnp3Function = {
  Confirm: 0,
  Read: 1,
  Write: 2,
  Select: 3,
  Operate: 4,
  DirectOperate: 5,
  DirectOperateNoAck: 6,
  ImmediateFreeze: 7,
  ImmediateFreezeNoAck: 8,
  FreezeClear: 9,
  FreezeClearNoAck: 10,
  FreezeAtTime: 11,
  FreezeAtTimeNoAck: 12,
  ColdRestart: 13,
  WarmRestart: 14,
  InitializeData: 15,
  InitializeApplication: 16,
  StartApplication: 17,
  StopApplication: 18,
  SaveConfiguration: 19,
  EnableUnsolicited: 20,
  DisableUnsolicited: 21,
  AssignClass: 22,
  DelayMeasure: 23,
  RecordCurrentTime: 24,
  OpenFile: 25,
  CloseFile: 26,
  DeleteFile: 27,
  GetFileInfo: 28,
  AuthenticateFile: 29,
  AbortFile: 30,
  ActivateConfig: 31,
  AuthenticateRequest: 32,
  AuthenticateRequestNoAck: 33,
  Response: 129,
  UnsolicitedResponse: 130,
  AuthenticateResponse: 131,
} as const;

/** Response function codes carry the two IIN octets after the function code. */
export function isResponseFunction(fc: number): boolean {
  return fc >= 129 && fc <= 131;
}

// Functions whose request object headers are followed by object data (§4.2.2.7 and the
// per-function rules of §4.4); the others (READ, freeze, class assignment, ...) carry headers only.
const DATA_FUNCTIONS = new Set([2, 3, 4, 5, 6, 11, 12, 25, 26, 27, 28, 29, 30, 31, 32, 33, 129, 130, 131]);

export function functionCarriesObjectData(fc: number): boolean {
  return DATA_FUNCTIONS.has(fc);
}

// Routine session maintenance a master performs at start-up and while polling: CONFIRM,
// ENABLE/DISABLE_UNSOLICITED, DELAY_MEASURE, RECORD_CURRENT_TIME and the secure
// authentication exchange (§7). None changes process data.
const SESSION_FUNCTIONS = new Set([0, 20, 21, 23, 24, 32, 33]);

/**
 * Class of an application function code.
 * - READ (1) is a read; session maintenance (above) is 'session'.
 * - WRITE (2) is refined by the caller from its objects (time and the restart indication
 *   are session maintenance). DELETE_FILE (27) destroys data and is a write; OPEN_FILE (25)
 *   is refined from the open mode (write/append make it a write).
 * - Operates, freezes, restarts, application and configuration functions and the other
 *   file operations are control.
 * - Responses (129-131) are 'response'; unassigned codes are 'unknown'.
 */
export function classOfDnp3Function(fc: number): GuardClass {
  if (fc === 1) return 'read';
  if (SESSION_FUNCTIONS.has(fc)) return 'session';
  if (fc === 2 || fc === 27) return 'write';
  if (fc >= 3 && fc <= 33) return 'control';
  if (isResponseFunction(fc)) return 'response';
  return 'unknown';
}

/** Functions that change output points (their object ranges count as written). */
export function isOutputFunction(fc: number): boolean {
  return fc >= 2 && fc <= 6;
}
