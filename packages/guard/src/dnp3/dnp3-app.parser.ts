import type { AddressRange, GuardClass } from '../shared/guard.types.js';
import { u16be, u16le } from '../shared/bytes.util.js';
import type { Dnp3Application, Dnp3ObjectHeader } from './dnp3.types.js';
import {
  Dnp3Function,
  classOfDnp3Function,
  functionCarriesObjectData,
  isOutputFunction,
  isResponseFunction,
} from './dnp3-function.catalog.js';
import { tableOfGroup } from './dnp3-objects.catalog.js';
import { walkObjects } from './dnp3-object.walker.js';
import { attributeObjects, isMaintenanceWrite } from './dnp3-attribution.js';
import { decodePointValues } from './dnp3-point.values.js';

// Application layer, IEEE 1815-2012 §4.2.2: application control (FIR 0x80, FIN 0x40,
// CON 0x20, UNS 0x10, SEQ 4 bits), function code, IIN (2 octets, responses only), objects.

function emptyApp(frag: Uint8Array, reason: string): Dnp3Application {
  const control = frag[0] ?? 0;
  return {
    ...decodeControl(control),
    function: frag[1] ?? -1,
    class: 'malformed',
    objects: [],
    ranges: [],
    unparsedBytes: 0,
    malformed: reason,
  };
}

function decodeControl(control: number): Pick<Dnp3Application, 'control' | 'fir' | 'fin' | 'con' | 'uns' | 'seq'> {
  return {
    control,
    fir: (control & 0x80) !== 0,
    fin: (control & 0x40) !== 0,
    con: (control & 0x20) !== 0,
    uns: (control & 0x10) !== 0,
    seq: control & 0x0f,
  };
}

function rangeOf(h: Dnp3ObjectHeader, access: 'read' | 'write'): AddressRange | undefined {
  const table = tableOfGroup(h.group);
  if (!table) return undefined;
  // A reversed range is reported as malformed by the walker and yields no address range.
  if (h.start !== undefined && h.stop !== undefined)
    return h.stop >= h.start ? { table, start: h.start, count: h.count, access } : undefined;
  if (h.minIndex !== undefined && h.maxIndex !== undefined) {
    return { table, start: h.minIndex, count: h.maxIndex - h.minIndex + 1, access };
  }
  return undefined;
}

// OPEN_FILE carries a g70v3 file command object; its operation mode (offset 20 of the
// object: 1 read, 2 write, 3 append) decides whether the open is a write (Annex A, g70v3).
function openFileClass(frag: Uint8Array, objects: Dnp3ObjectHeader[]): GuardClass {
  const cmd = objects.find((o) => o.group === 70 && o.variation === 3 && o.dataOffset !== undefined);
  if (!cmd || cmd.dataOffset === undefined) return 'control';
  const sizeWidth = [0, 0, 0, 0, 1, 2, 4][(cmd.qualifier >> 4) & 0x07] ?? 0;
  const modeAt = cmd.dataOffset + sizeWidth + 20;
  if (sizeWidth === 0 || modeAt + 2 > frag.length) return 'control';
  const mode = u16le(frag, modeAt);
  return mode === 2 || mode === 3 ? 'write' : 'control';
}

// SELECT, OPERATE, DIRECT_OPERATE and DIRECT_OPERATE_NR carry the command values (§4.4.3-4.4.6).
const VALUE_FUNCTIONS = new Set<number>([
  Dnp3Function.Select,
  Dnp3Function.Operate,
  Dnp3Function.DirectOperate,
  Dnp3Function.DirectOperateNoAck,
]);

/** Parses one reassembled application fragment. Never throws. */
export function parseDnp3Application(frag: Uint8Array): Dnp3Application {
  if (frag.length < 2) return emptyApp(frag, 'app_header_truncated');
  const fc = frag[1];
  const response = isResponseFunction(fc);
  if (response && frag.length < 4) return emptyApp(frag, 'app_header_truncated');
  const walk = walkObjects(frag, response ? 4 : 2, functionCarriesObjectData(fc));
  let cls = classOfDnp3Function(fc);
  if (fc === Dnp3Function.OpenFile) cls = openFileClass(frag, walk.objects);
  if (fc === Dnp3Function.Write && isMaintenanceWrite(walk.objects, walk.unparsedBytes)) cls = 'session';
  const access = isOutputFunction(fc) && !response ? 'write' : 'read';
  const attributed = response ? undefined : attributeObjects(walk.objects, fc, access, walk.unparsedBytes);
  const ranges =
    attributed?.ranges ?? walk.objects.map((o) => rangeOf(o, access)).filter((r): r is AddressRange => r !== undefined);
  const app: Dnp3Application = {
    ...decodeControl(frag[0]),
    function: fc,
    class: walk.malformed ? 'malformed' : cls,
    objects: walk.objects,
    ranges,
    unparsedBytes: walk.unparsedBytes,
  };
  if (response) app.iin = u16be(frag, 2);
  if (!walk.malformed && (response || VALUE_FUNCTIONS.has(fc))) {
    const points = decodePointValues(frag, walk.objects);
    if (points.length) app.points = points;
  }
  if (attributed?.unattributed.length) app.unattributed = attributed.unattributed;
  if (walk.malformed) app.malformed = walk.malformed;
  return app;
}
