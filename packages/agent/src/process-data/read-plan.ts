import { isBitTable, registerCount, type RegisterTable } from './register-codec.js';
import { MAX_READ_BITS, MAX_READ_REGISTERS } from './modbus-pdu.js';
import { pointType, type ModbusPointConfig } from './data-config.js';

/** One read request of a poll and the points whose registers it covers. */
export interface ReadBlock {
  unitId: number;
  table: RegisterTable;
  start: number;
  count: number;
  points: ModbusPointConfig[];
}

/**
 * Groups points into as few reads as possible: points of one unit and table whose registers are
 * adjacent or overlap share a read, up to the protocol's limit (125 registers, 2000 bits).
 * Gaps are never read across, so a device with holes in its map is not asked for them.
 */
export function planReads(points: readonly ModbusPointConfig[], defaultUnit: number): ReadBlock[] {
  const groups = new Map<string, ModbusPointConfig[]>();
  for (const p of points) {
    const key = `${p.unitId ?? defaultUnit}/${p.table}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const blocks: ReadBlock[] = [];
  for (const [key, list] of groups) {
    const [unit, table] = key.split('/') as [string, RegisterTable];
    const limit = isBitTable(table) ? MAX_READ_BITS : MAX_READ_REGISTERS;
    let cur: ReadBlock | undefined;
    for (const p of [...list].sort((a, b) => a.address - b.address)) {
      const end = p.address + registerCount({ ...p, type: pointType(p) });
      if (cur && p.address <= cur.start + cur.count && end - cur.start <= limit) {
        cur.count = Math.max(cur.count, end - cur.start);
        cur.points.push(p);
        continue;
      }
      cur = { unitId: Number(unit), table, start: p.address, count: end - p.address, points: [p] };
      blocks.push(cur);
    }
  }
  return blocks;
}
