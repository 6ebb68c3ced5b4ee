import { ACCESS_ROUTES, routeUrl } from '@outpost/protocol';
import { downloadToFile } from './file-download.js';
import type { TransportOptions } from './transport.js';

export interface DownloadedRecording {
  /** `asciicast` (console and serial transcripts) or `pcap` (TCP sessions with capture on). */
  kind: 'asciicast' | 'pcap';
  bytes: number;
  sha256: string;
}

/**
 * Streams a session's recording to a file (Node only), hashing it on the way. The file appears
 * under its name only when its SHA-256 equals the one the hub sealed in the audit log.
 */
export async function downloadRecording(
  o: TransportOptions,
  sessionId: string,
  filePath: string,
): Promise<DownloadedRecording> {
  const got = await downloadToFile(o, routeUrl(ACCESS_ROUTES.recording, { id: sessionId }), filePath, (d) => {
    const sealed = String(d.headers['x-outpost-sha256'] ?? '');
    if (d.sha256 !== sealed)
      throw new Error(`the recording of ${sessionId} does not match its sealed SHA-256 (${sealed}); got ${d.sha256}`);
  });
  const kind = String(got.headers['content-type'] ?? '').includes('asciicast') ? 'asciicast' : 'pcap';
  return { kind, bytes: got.bytes, sha256: got.sha256 };
}
