/**
 * GET routes that answer a file (its bytes, not a JSON document), by route id, with the media types
 * the hub sends it as. A page saves such a file through a download helper that reads bytes and
 * checks what the hub sealed; it never loads one as a JSON answer (`ROUTE_RESPONSES`).
 */
export const ROUTE_FILES = {
  /** A session's recording; its SHA-256 in `x-outpost-sha256`. */
  'access.recording': ['application/x-asciicast', 'application/vnd.tcpdump.pcap'],
  /** A device file's content from an offset; the whole file's SHA-256 and size in `x-outpost-*` headers. */
  'files.download': ['application/octet-stream'],
  'files.pullArchive': ['application/zip'],
  'diagnostics.downloadJson': ['application/json'],
  'diagnostics.downloadZip': ['application/zip'],
} as const satisfies Record<string, readonly string[]>;

/** Route ids the table knows answer a file. */
export type FileRouteId = keyof typeof ROUTE_FILES;
