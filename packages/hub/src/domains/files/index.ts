// The device-files domain's public face.
export type { FilesService } from './files.service.js';
export type { FilePullsService } from './file-pulls.service.js';
