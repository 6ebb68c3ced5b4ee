import { Type } from '@sinclair/typebox';
import { FILE_ROOT_NAME, MAX_FILE_LIST_PAGE, MAX_FILE_PATH } from '../files-messages.js';
import { defineRoute } from './define-route.js';
import { FilterText, IdParam } from './common.schemas.js';

const Root = Type.String({ pattern: FILE_ROOT_NAME });
const Path = Type.String({ maxLength: MAX_FILE_PATH });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });
export const FileListQuery = Type.Object(
  {
    root: Root,
    path: Type.Optional(Path),
    after: Type.Optional(Type.String({ maxLength: 255 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FILE_LIST_PAGE })),
  },
  { additionalProperties: false },
);
export const FilePathQuery = Type.Object({ root: Root, path: Path }, { additionalProperties: false });
export const FileDownloadQuery = Type.Object(
  { root: Root, path: Path, offset: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);
export const FileUploadQuery = Type.Object(
  {
    root: Root,
    path: Path,
    /** Permission bits of the written file (0644 = 420); default: the replaced file's, or 0644. */
    mode: Type.Optional(Type.Integer({ minimum: 0, maximum: 0o777 })),
    /** The SHA-256 the device must find before it renames the file into place; default: what the hub received. */
    sha256: Type.Optional(Sha256),
  },
  { additionalProperties: false },
);
export const FileDeleteBody = Type.Object(
  { root: Root, path: Path, otp: Type.Optional(Type.String({ maxLength: 16 })) },
  { additionalProperties: false },
);
export const FilePullBody = Type.Object(
  {
    root: Root,
    path: Path,
    deviceIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 1000 })),
    filter: Type.Optional(FilterText),
  },
  { additionalProperties: false },
);
export const FileTransfersQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
);

const tag = 'files';
const device = { tag, scope: 'device', params: IdParam } as const;
const fromDevice = { tag, scope: 'none', role: 'public', params: IdParam } as const;

/**
 * Files in the directories a device declared (`--files`): listing is open to viewers; moving
 * content (download, upload, bulk pull) and deleting take an operator, and writes a fresh MFA
 * step-up when the operator has a second factor. The `device-files/transfers` routes are the
 * device's side: public, authenticated by the device certificate and the transfer's token.
 */
export const FILES_ROUTES = {
  roots: defineRoute({
    ...device,
    id: 'files.roots',
    method: 'GET',
    path: '/api/v1/devices/:id/files/roots',
    role: 'viewer',
  }),
  list: defineRoute({
    ...device,
    id: 'files.list',
    method: 'GET',
    path: '/api/v1/devices/:id/files',
    role: 'viewer',
    query: FileListQuery,
  }),
  stat: defineRoute({
    ...device,
    id: 'files.stat',
    method: 'GET',
    path: '/api/v1/devices/:id/files/stat',
    role: 'viewer',
    query: FilePathQuery,
  }),
  download: defineRoute({
    ...device,
    id: 'files.download',
    method: 'GET',
    path: '/api/v1/devices/:id/files/content',
    role: 'operator',
    query: FileDownloadQuery,
    description:
      'Streams the file (application/octet-stream) from `offset`; x-outpost-sha256 and x-outpost-size give the SHA-256 and size of the whole file.',
  }),
  upload: defineRoute({
    ...device,
    id: 'files.upload',
    method: 'PUT',
    path: '/api/v1/devices/:id/files/content',
    role: 'operator',
    query: FileUploadQuery,
    description: 'The body (application/octet-stream) is the content; a step-up code may come in x-outpost-otp.',
  }),
  remove: defineRoute({
    ...device,
    id: 'files.remove',
    method: 'POST',
    path: '/api/v1/devices/:id/files/delete',
    role: 'operator',
    body: FileDeleteBody,
  }),
  transfers: defineRoute({
    ...device,
    id: 'files.transfers',
    method: 'GET',
    path: '/api/v1/devices/:id/files/transfers',
    role: 'viewer',
    query: FileTransfersQuery,
  }),
  createPull: defineRoute({
    tag,
    id: 'files.createPull',
    scope: 'fleet',
    method: 'POST',
    path: '/api/v1/file-pulls',
    role: 'operator',
    body: FilePullBody,
  }),
  pull: defineRoute({
    tag,
    id: 'files.pull',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/file-pulls/:id',
    role: 'operator',
    params: IdParam,
  }),
  pullArchive: defineRoute({
    tag,
    id: 'files.pullArchive',
    scope: 'fleet',
    method: 'GET',
    path: '/api/v1/file-pulls/:id/archive',
    role: 'operator',
    params: IdParam,
    description:
      'A ZIP (application/zip) of every file the pull collected, as <device>/<root>/<path>, and status.json.',
  }),
  deviceOutcome: defineRoute({
    ...fromDevice,
    id: 'files.deviceOutcome',
    method: 'POST',
    path: '/api/v1/device-files/transfers/:id/outcome',
  }),
  deviceContentIn: defineRoute({
    ...fromDevice,
    id: 'files.deviceContentIn',
    method: 'PUT',
    path: '/api/v1/device-files/transfers/:id/content',
  }),
  deviceContentOut: defineRoute({
    ...fromDevice,
    id: 'files.deviceContentOut',
    method: 'GET',
    path: '/api/v1/device-files/transfers/:id/content',
  }),
};
