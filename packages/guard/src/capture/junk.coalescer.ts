import type { InspectionRow } from './capture-row.types.js';

// Unframeable bytes are reported as they are skipped: a DNP3 stream of junk yields a row for
// every pair of octets that looked like a start but had a bad header. Consecutive such rows of
// one flow and direction with the same reason become one row carrying how many pieces it
// stands for (`count`), their octets (`bytes`) and the frame of the last one (`lastFrame`).
// Only unframed rows are merged (no link header, no transaction id), so every PDU keeps its row.

function isJunk(r: InspectionRow): boolean {
  return r.malformed !== undefined && r.linkSource === undefined && r.transactionId === undefined;
}

function sameRun(a: InspectionRow, b: InspectionRow): boolean {
  return (
    a.protocol === b.protocol &&
    a.src === b.src &&
    a.dst === b.dst &&
    a.transport === b.transport &&
    a.direction === b.direction &&
    a.malformed === b.malformed
  );
}

/** Passes rows on in order, merging runs of junk. Call `flush` at the end. */
export class JunkCoalescer {
  private pending: InspectionRow | undefined;

  constructor(private readonly emit: (row: InspectionRow) => void) {}

  push(row: InspectionRow): void {
    const p = this.pending;
    if (p && isJunk(row) && sameRun(p, row)) {
      p.count = (p.count ?? 1) + 1;
      p.bytes = (p.bytes ?? 0) + (row.bytes ?? 0);
      p.lastFrame = row.frame;
      return;
    }
    this.flush();
    if (isJunk(row)) this.pending = row;
    else this.emit(row);
  }

  flush(): void {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    if (p.count === undefined) delete p.lastFrame;
    else if (p.lastFrame === p.frame) delete p.lastFrame;
    this.emit(p);
  }
}
