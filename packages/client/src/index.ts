export { createClient, type OutpostClient, type ListDevicesQuery } from './client.js';
export { ApiError, send, type TransportOptions } from './http.js';
