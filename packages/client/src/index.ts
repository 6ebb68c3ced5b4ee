export { createClient, type OutpostClient, type ListDevicesQuery } from './client.js';
export { ApiError, send, nodeTransport, type RawResponse, type Transport, type TransportOptions } from './http.js';
export { uploadArtifact } from './artifact-upload.js';
export { downloadRecording, type DownloadedRecording } from './recording-download.js';
export type { JobsQuery } from './updates.api.js';
export { callRoute, routeCaller, type RouteCaller, type RouteCallInput } from './call-route.js';
export type { DataHistoryQuery } from './data.api.js';
