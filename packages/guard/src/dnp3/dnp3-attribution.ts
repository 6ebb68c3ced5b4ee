import type { AddressRange } from '../shared/guard.types.js';
import type { Dnp3ObjectHeader } from './dnp3.types.js';
import { Dnp3Function } from './dnp3-function.catalog.js';
import { tableOfGroup } from './dnp3-objects.catalog.js';

// Which addresses a request's object headers touch (IEEE 1815-2012 §4.2.2.7), and which
// headers touch something no address names. Point groups map to the four tables
// (dnp3-objects.catalog.ts); time (g50-g52) and internal indications (g80) are no points.

const NO_POINT_GROUPS = new Set([50, 51, 52, 80, 120]);
// Event groups (Annex A): a count on them limits how many events come back, from any point,
// so only index prefixes name the points.
const EVENT_GROUPS = new Set([2, 4, 11, 13, 22, 23, 32, 33, 42, 43]);

export interface Attribution {
  ranges: AddressRange[];
  unattributed: string[];
}

type One = { range: AddressRange } | { unattributed: string } | { none: true };

function attributeOne(h: Dnp3ObjectHeader, fc: number, access: 'read' | 'write'): One {
  const name = `g${h.group}v${h.variation}`;
  const table = tableOfGroup(h.group);
  if (!table) {
    if (h.group === 60) return fc === Dnp3Function.Read ? { unattributed: `${name}:class_poll` } : { none: true };
    if (NO_POINT_GROUPS.has(h.group) || (h.group === 0 && fc === Dnp3Function.Read)) return { none: true };
    return { unattributed: `${name}:no_points` };
  }
  const rangeCode = h.qualifier & 0x0f;
  const prefix = (h.qualifier >> 4) & 0x07;
  if (rangeCode === 6) return { unattributed: `${name}:all_points` };
  if (EVENT_GROUPS.has(h.group) && prefix === 0) return { unattributed: `${name}:events` };
  if (h.start !== undefined && h.stop !== undefined) {
    return h.stop >= h.start ? { range: { table, start: h.start, count: h.count, access } } : { none: true };
  }
  if (h.minIndex !== undefined && h.maxIndex !== undefined)
    return { range: { table, start: h.minIndex, count: h.maxIndex - h.minIndex + 1, access } };
  if (h.count === 0) return { none: true };
  // §4.2.2.7.3: a count without index prefixes addresses the points from index 0.
  if (prefix === 0) return { range: { table, start: 0, count: h.count, access } };
  return { unattributed: `${name}:size_prefixed` };
}

/** Ranges of a request's walked headers; headers and octets it cannot attribute are named. */
export function attributeObjects(
  objects: readonly Dnp3ObjectHeader[],
  fc: number,
  access: 'read' | 'write',
  unparsedBytes: number,
): Attribution {
  const out: Attribution = { ranges: [], unattributed: unparsedBytes > 0 ? ['unwalked_objects'] : [] };
  for (const h of objects) {
    const one = attributeOne(h, fc, access);
    if ('range' in one) out.ranges.push(one.range);
    else if ('unattributed' in one) out.unattributed.push(one.unattributed);
  }
  return out;
}

// WRITE of the time (g50) and of the internal indications (g80v1: clearing DEVICE_RESTART,
// §5.1.2.2) is session maintenance; a WRITE of anything else changes the device.
export function isMaintenanceWrite(objects: readonly Dnp3ObjectHeader[], unparsedBytes: number): boolean {
  if (objects.length === 0 || unparsedBytes > 0) return false;
  return objects.every((o) => o.group === 50 || (o.group === 80 && o.variation === 1));
}
