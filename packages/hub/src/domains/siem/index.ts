// The SIEM domain's public face: its service, for the hub's wiring and tests.
export type { SiemService, SinkView } from './siem.service.js';
