// The geofences domain's public face.
export type { GeofencesService } from './geofences.service.js';
export type { SideRow } from './geofences.store.js';
export { geofenceGroupReferences } from './group-references.js';
