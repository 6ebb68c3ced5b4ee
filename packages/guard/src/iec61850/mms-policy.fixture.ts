// MMS requests and an IEC 61850 policy for tests: a feeder bay F7 with breaker XCBR1, its
// controller CSWI1 (select-before-operate) and an overcurrent protection setting PTOC1.
import { TpktReassembler } from './tpkt.reassembler.js';
import { data, type Bytes } from './iec61850.fixture.js';
import { cotpData, mms, sessionData } from './mms.fixture.js';
import { mmsClientUnit, type MmsRequest } from './mms-request.js';
import type { GuardPolicy } from '../policy/policy.types.js';

/** The TPKT octets a client sends for one MMS PDU. */
export const mmsFrame = (pdu: Bytes): Uint8Array => Uint8Array.from(cotpData(sessionData(pdu)));

/** The request the guard sees for one MMS PDU. */
export function mmsRequest(pdu: Bytes): MmsRequest {
  const items = new TpktReassembler().push(mmsFrame(pdu));
  const unit = mmsClientUnit(items[0]);
  if (unit.kind !== 'request') throw new Error(`not a request: ${JSON.stringify(unit)}`);
  return unit.request;
}

/** Oper / SBOw structure: ctlVal, origin (orCat, orIdent), ctlNum, T, Test, Check. */
export const operValue = (ctlVal: Bytes) =>
  data.structure(
    ctlVal,
    data.structure(data.integer(3), tlv89('outpost')),
    data.unsigned(1),
    data.utcTime(1_700_000_000, 0),
    data.boolean(false),
    data.bitString(6, 0),
  );

function tlv89(s: string): Bytes {
  const b = [...Buffer.from(s, 'latin1')];
  return [0x89, b.length, ...b];
}

export const BREAKER_OPER = 'F7/XCBR1$CO$Pos$Oper';
export const SWITCH_SBOW = 'F7/CSWI1$CO$Pos$SBOw';
export const SWITCH_OPER = 'F7/CSWI1$CO$Pos$Oper';
export const SWITCH_CANCEL = 'F7/CSWI1$CO$Pos$Cancel';
export const PICKUP = 'F7/PTOC1$SP$StrVal$setMag$f';

export const req = {
  read: (id: number, names = ['F7/XCBR1$ST$Pos$stVal']) => mms.readRequest(id, names),
  operate: (id: number, name: string, close = true) => mms.writeRequest(id, [name], [operValue(data.boolean(close))]),
  setting: (id: number, value: number) => mms.writeRequest(id, [PICKUP], [data.float(value)]),
  nameList: (id: number) => mms.getNameListRequest(id, 9),
};

/** Enforce; hotline tag on feeder 7 forbids controlling its breaker and switch; operator control allows them. */
export function feederPolicy(over: Partial<GuardPolicy> = {}): GuardPolicy {
  return {
    mode: 'enforce',
    allowedClasses: ['read', 'write', 'control'],
    readOnly: false,
    onViolation: 'exception',
    version: 7,
    schema: 2,
    states: [
      { name: 'hotline_feeder7', from: 'grant' },
      { name: 'operator_control', from: 'grant' },
    ],
    iec61850: {
      services: ['read', 'write', 'getNameList', 'getVariableAccessAttributes'],
      read: { deny: [{ ref: '*/LPHD1' }] },
      write: { allow: [{ ref: 'F7/*', fc: ['CO', 'SP'] }] },
      stateRules: [
        {
          state: 'hotline_feeder7',
          effect: 'forbid',
          objects: [
            { ref: 'F7/XCBR*.Pos', fc: ['CO'] },
            { ref: 'F7/CSWI*.Pos', fc: ['CO'] },
          ],
        },
        { state: 'operator_control', effect: 'allow', objects: [{ ref: 'F7/*', fc: ['CO', 'SP'] }] },
      ],
      controls: [{ objects: [{ ref: '*/CSWI*.Pos' }], sbo: 'required', timeoutMs: 30_000 }],
      values: [{ objects: [{ ref: 'F7/PTOC1.StrVal.setMag', fc: ['SP'] }], min: 100, max: 2000, step: 50 }],
      rateLimits: [{ service: 'getNameList', perSecond: 1, burst: 2 }],
    },
    ...over,
  };
}
