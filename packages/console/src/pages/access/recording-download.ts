import { ACCESS_ROUTES, routeUrl, type AccessSession } from '@outpost/protocol';
import { ApiError } from '../../app/api.js';

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/**
 * Saves a session's recording as the bytes the hub keeps (a pcap is binary, so it does not go
 * through the JSON client), after checking them against the SHA-256 sealed when the session ended.
 */
export async function saveRecording(s: AccessSession): Promise<void> {
  const res = await fetch(routeUrl(ACCESS_ROUTES.recording, { id: s.id }), { credentials: 'same-origin' });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as {
      code?: string;
      message?: string;
      requestId?: string;
      details?: Record<string, unknown>;
    };
    throw new ApiError(
      res.status,
      e.code ?? `http_${res.status}`,
      e.message ?? `HTTP ${res.status}`,
      e.requestId,
      e.details,
    );
  }
  const bytes = await res.arrayBuffer();
  const sealed = res.headers.get('x-outpost-sha256') ?? '';
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
