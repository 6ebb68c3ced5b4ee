import { DIAGNOSTICS_ROUTES, routeUrl } from '@outpost/protocol';
import { downloadToFile } from './file-download.js';
import type { TransportOptions } from './transport.js';

/** Streams a diagnostic run's results (zip or JSON) to a file (Node only); the file appears only when complete. */
export async function downloadDiagnostics(
  o: TransportOptions,
  runId: string,
  format: 'zip' | 'json',
  filePath: string,
): Promise<{ bytes: number }> {
  const route = format === 'zip' ? DIAGNOSTICS_ROUTES.downloadZip : DIAGNOSTICS_ROUTES.downloadJson;
  const { bytes } = await downloadToFile(o, routeUrl(route, { id: runId }), filePath);
  return { bytes };
}
