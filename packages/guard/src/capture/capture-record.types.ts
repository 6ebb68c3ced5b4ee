// What the capture readers (pcap.reader.ts, pcapng.reader.ts, pcap-stream.reader.ts) produce:
// the records of a capture file, and the bound on one record's size that each of them enforces.

export interface CaptureRecord {
  /** 1-based frame number, as tshark numbers frames. */
  number: number;
  /** Milliseconds since the epoch (fractional). */
  ts: number;
  linkType: number;
  originalLength: number;
  data: Uint8Array;
}

export interface CaptureFile {
  format: 'pcap' | 'pcapng' | 'unknown';
  records: CaptureRecord[];
  /** Set when the file ended early or could not be read; records holds what was read. */
  error?: string;
}

// Hard cap on record size: larger than any real snap length, small enough to reject garbage.
export const MAX_RECORD = 256 * 1024;
