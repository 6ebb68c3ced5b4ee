// @outpost/guard: OT protocol parsers (Modbus TCP/RTU, DNP3, IEC 61850 GOOSE/MMS decode), capture inspection,
// and the policy engine deciding what may reach a device. Pure: no I/O.

export type {
  AddressRange,
  CrobCommand,
  Direction,
  GuardClass,
  GuardProtocol,
  GuardWireProtocol,
  GuardRequest,
  GuardResponse,
  PointValue,
  RegisterTable,
} from './shared/guard.types.js';
export { crc16Dnp, crc16Modbus } from './shared/crc16.util.js';
export { concatBytes, fromHex, toHex } from './shared/bytes.util.js';

export type { ModbusPdu, ModbusTcpAdu } from './modbus/modbus.types.js';
export { ModbusException } from './modbus/modbus.types.js';
export { decodeModbusRequest } from './modbus/modbus-request.parser.js';
export { decodeModbusResponse } from './modbus/modbus-response.parser.js';
export { modbusPduLength, type PduLength } from './modbus/modbus-pdu.length.js';
export {
  MAX_TCP_ADU,
  MBAP_HEADER_LENGTH,
  ModbusTcpReassembler,
  mbapHeaderProblem,
  parseModbusTcpAdu,
  readMbapHeader,
  type MbapHeader,
  type ModbusTcpFrame,
} from './modbus/modbus-tcp.parser.js';
export {
  MAX_RTU_ADU,
  ModbusRtuSplitter,
  parseModbusRtuAdu,
  rtuFrameGapMs,
  withModbusCrc,
  type ModbusRtuAdu,
  type ModbusRtuFrame,
  type RtuSplitterOptions,
} from './modbus/modbus-rtu.parser.js';
export { buildModbusRtuException, buildModbusTcpException } from './modbus/modbus-exception.builder.js';

export type {
  Dnp3Application,
  Dnp3LinkFrame,
  Dnp3LinkHeader,
  Dnp3LinkResult,
  Dnp3ObjectHeader,
  Dnp3PointValue,
  Dnp3StreamItem,
} from './dnp3/dnp3.types.js';
export { Dnp3LinkReassembler, MAX_LINK_FRAME, dnp3FrameSize, parseDnp3LinkFrame } from './dnp3/dnp3-link.parser.js';
export {
  DEFAULT_MAX_FRAGMENT,
  Dnp3TransportReassembler,
  type TransportOptions,
  type TransportResult,
} from './dnp3/dnp3-transport.reassembler.js';
export { parseDnp3Application } from './dnp3/dnp3-app.parser.js';
export { decodePointValues } from './dnp3/dnp3-point.values.js';
export { Dnp3StreamParser } from './dnp3/dnp3-stream.parser.js';
export { Dnp3Function, classOfDnp3Function, isResponseFunction } from './dnp3/dnp3-function.catalog.js';

export type {
  AllowedRange,
  Decision,
  GuardPolicy,
  PolicyClass,
  PolicyMode,
  SessionContext,
} from './policy/policy.types.js';
export { monitorPolicy } from './policy/policy.types.js';
export { evaluatePolicy } from './policy/policy.engine.js';
export {
  checkGrantSignature,
  checkGrantTime,
  grantSigningPayload,
  isWellFormedGrant,
  signGrant,
  verifyGrant,
  type GrantKey,
  type GrantRejection,
  type GrantVerdict,
  type UnsignedWriteGrant,
  type WriteGrant,
} from './policy/grant.signature.js';
export { GrantBook, type RejectedGrant } from './policy/grant.book.js';
export {
  TrafficLearner,
  type LearnedBaseline,
  type LearnedRange,
  type Observation,
  type ObservationKind,
} from './policy/traffic.learner.js';
export { GuardEngine, type GuardEngineOptions, type Verdict } from './policy/guard.engine.js';
export {
  malformedModbusRequest,
  requestFromDnp3,
  requestFromModbusRtu,
  requestFromModbusTcp,
  responseFromDnp3,
  responseFromModbusTcp,
} from './policy/guard-request.adapter.js';
export {
  GuardMemory,
  MAX_PENDING_READS,
  MAX_RATE_BUCKETS,
  MAX_REMEMBERED_VALUES,
  type GuardMemoryView,
  type PendingRead,
} from './policy/guard.memory.js';

export type {
  GuardConsoleEvent,
  GuardEvent,
  GuardEventType,
  GuardIdentifyEvent,
  GuardLearnEvent,
  GuardOverloadEvent,
  GuardResponseEvent,
  GuardSessionEvent,
  GuardTrafficEvent,
} from './events/guard-event.types.js';
export { emptyClassCounts } from './events/guard-event.types.js';
export { ConsoleScanner, type ConsoleScannerOptions } from './events/console.scanner.js';

export { readCapture } from './capture/pcap.reader.js';
export type { CaptureFile, CaptureRecord } from './capture/capture-record.types.js';
export { decodePacket, type DecodeResult, type DecodedPacket } from './capture/packet.decoder.js';
export { TcpDirectionTracker, type SegmentVerdict } from './capture/tcp-stream.tracker.js';
export {
  createRecordInspector,
  inspectCapture,
  inspectCaptureStream,
  type RecordInspector,
} from './capture/capture.inspector.js';
export { PcapStreamReader } from './capture/pcap-stream.reader.js';
export type {
  InspectedProtocol,
  InspectOptions,
  InspectionObject,
  InspectionReport,
  InspectionRow,
  InspectionSummary,
} from './capture/capture-row.types.js';

export { readTlv, childrenOf, type Tlv, type TlvResult } from './iec61850/ber.reader.js';
export { decodeGoose, GOOSE_ETHERTYPE, type GooseMessage, type GooseResult } from './iec61850/goose.decoder.js';
export { MAX_DATA_DEPTH, MAX_DATA_VALUES, type MmsValue } from './iec61850/mms-data.decoder.js';
export { TpktReassembler, MAX_TSDU, type CotpItem, type CotpKind } from './iec61850/tpkt.reassembler.js';
export { decodeUpperLayers, type SessionKind, type UpperResult } from './iec61850/iso-upper.decoder.js';
export { decodeMms } from './iec61850/mms.decoder.js';
export type { MmsMessage, MmsPduKind, MmsResult } from './iec61850/mms.types.js';
export { gooseRow, mmsRow, classOfMms } from './iec61850/iec61850-row.builder.js';
export {
  GooseMonitor,
  MAX_PUBLICATIONS,
  type GoosePublication,
  type MonitorEvent,
  type MonitorSeverity,
} from './iec61850/goose.monitor.js';
export {
  SubstationMonitor,
  MAX_ASSOCIATIONS,
  type MmsAssociation,
  type SubstationInventory,
} from './iec61850/substation.monitor.js';
export {
  attributeText,
  MAX_ATTRIBUTE_TEXT,
  type FieldDeviceIdentity,
  type IdentityResult,
} from './assets/field-device.types.js';
export {
  modbusDeviceIdentificationRequest,
  parseModbusDeviceIdentification,
} from './assets/modbus-device-id.parser.js';
export { parseDnp3DeviceAttributes } from './assets/dnp3-device-attributes.parser.js';
export { MmsGuard, type MmsGuardOptions, type MmsVerdict } from './iec61850/mms.guard.js';
export { evaluateMmsPolicy, mmsClass } from './iec61850/mms-policy.engine.js';
export { MmsMemory } from './iec61850/mms-policy.memory.js';
export { mmsClientUnit, type MmsClientUnit, type MmsRequest } from './iec61850/mms-request.js';
export { referenceOf, refText, within, overlaps, type MmsReference } from './iec61850/mms-reference.js';
export { mmsErrorFrame, mmsConfirmedError, MMS_ACCESS_ERROR } from './iec61850/mms-error.builder.js';
export { TpktFramer, continuesTsdu, type TpktFrames } from './iec61850/tpkt.framer.js';
