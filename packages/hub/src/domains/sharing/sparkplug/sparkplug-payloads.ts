import { get } from 'sparkplug-payload';
import type { UMetric, UPayload, TypeStr } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import type { DataQuality, DataType } from '@outpost/protocol';
import type { SharedPoint } from '../shared-points.js';

// Sparkplug B 3.0 payloads of the edge node, built as plain objects and encoded with the Eclipse
// Tahu protobuf (sparkplug-payload). Quality travels as the metric property `Quality` (Int32) as
// common host applications read it: 192 good, 64 uncertain, 0 bad; a bad value's reason rides
// along as `QualityReason` (String). A device that left Outpost gets a DDEATH at once, after which
// a host marks all its metrics stale (the specification's rule).

const codec = get('spBv1.0')!;

export const NAMESPACE = 'spBv1.0';
export const REBIRTH_METRIC = 'Node Control/Rebirth';
export const BDSEQ_METRIC = 'bdSeq';

export const QUALITY_CODES: Record<DataQuality, number> = { good: 192, uncertain: 64, bad: 0 };

const SPARKPLUG_TYPES: Record<DataType, TypeStr> = { number: 'Double', boolean: 'Boolean', string: 'String' };

export type MessageType = 'NBIRTH' | 'NDEATH' | 'DBIRTH' | 'DDEATH' | 'DDATA' | 'NCMD' | 'DCMD';

export function topicOf(groupId: string, type: MessageType, edgeNodeId: string, deviceId?: string): string {
  return [NAMESPACE, groupId, type, edgeNodeId, ...(deviceId ? [deviceId] : [])].join('/');
}

/** The next sequence number: 0..255, then 0 again. */
export const nextSeq = (seq: number): number => (seq + 1) % 256;

export function encode(p: UPayload): Buffer {
  return Buffer.from(codec.encodePayload(p));
}

export function decode(buf: Uint8Array): UPayload {
  return codec.decodePayload(buf);
}

function qualityProps(p: SharedPoint): UMetric['properties'] {
  const v = p.value;
  const quality = v?.quality ?? 'bad';
  return {
    Quality: { type: 'Int32', value: QUALITY_CODES[quality] },
    ...(quality === 'bad' ? { QualityReason: { type: 'String', value: v?.reason ?? 'no value yet' } } : {}),
  };
}

function valueOf(p: SharedPoint): UMetric['value'] {
  const v = p.value?.value;
  if (v === undefined || v === null) return null;
  // A value whose type does not match the point's declaration is sent as null (bad) rather than mistyped.
  if (typeof v !== (p.def.type === 'number' ? 'number' : p.def.type)) return null;
  return v;
}

/** A point's metric in a DBIRTH: name, alias, datatype, engineering unit and description, value. */
export function birthMetric(p: SharedPoint, alias: number, nowMs: number): UMetric {
  const props = qualityProps(p)!;
  if (p.def.unit) props.engUnit = { type: 'String', value: p.def.unit };
  if (p.def.description) props.description = { type: 'String', value: p.def.description };
  return {
    name: p.def.point,
    alias,
    type: SPARKPLUG_TYPES[p.def.type],
    value: valueOf(p),
    timestamp: p.value?.sourceTs ?? nowMs,
    properties: props,
  };
}

/** A point's metric in a DDATA: by alias only (the name was given in the DBIRTH). */
export function dataMetric(p: SharedPoint, alias: number): UMetric {
  return {
    alias,
    type: SPARKPLUG_TYPES[p.def.type],
    value: valueOf(p),
    timestamp: p.value!.sourceTs,
    properties: qualityProps(p),
  };
}

export function nbirth(bdSeq: number, nowMs: number): UPayload {
  return {
    timestamp: nowMs,
    seq: 0,
    metrics: [
      { name: BDSEQ_METRIC, type: 'UInt64', value: bdSeq, timestamp: nowMs },
      { name: REBIRTH_METRIC, type: 'Boolean', value: false, timestamp: nowMs },
    ],
  };
}

/** NDEATH: the MQTT will of a session; bdSeq ties it to the NBIRTH of the same session. No seq. */
export function ndeath(bdSeq: number, nowMs: number): UPayload {
  return { timestamp: nowMs, metrics: [{ name: BDSEQ_METRIC, type: 'UInt64', value: bdSeq }] };
}

/** True when an NCMD asks for a rebirth (`Node Control/Rebirth` = true). */
export function isRebirthRequest(p: UPayload): boolean {
  return (p.metrics ?? []).some((m) => m.name === REBIRTH_METRIC && m.value === true);
}
