import { ACCESS_ROUTES } from '@outpost/protocol';
import { downloadRoute } from '../../app/download-route.js';
import type { AccessSession } from '../../app/route-types.js';

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/**
 * Saves a session's recording as the bytes the hub keeps (a file route of the table, downloaded as
 * bytes), after checking them against the SHA-256 sealed when the session ended.
 */
export async function saveRecording(s: AccessSession): Promise<void> {
  const { bytes, headers } = await downloadRoute(ACCESS_ROUTES.recording, { params: { id: s.id } });
  const sealed = headers.get('x-outpost-sha256') ?? '';
  const got = hex(await crypto.subtle.digest('SHA-256', bytes));
  if (got !== sealed || (s.recording?.sha256 && got !== s.recording.sha256))
    throw new Error('The recording does not match the SHA-256 sealed when the session ended; it was not saved.');
  const url = URL.createObjectURL(
    new Blob([bytes], {
      type: s.recording?.kind === 'pcap' ? 'application/vnd.tcpdump.pcap' : 'application/x-asciicast',
    }),
  );
  const a = document.createElement('a');
  a.href = url;
  a.download = `${s.id}.${s.recording?.kind === 'pcap' ? 'pcap' : 'cast'}`;
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
