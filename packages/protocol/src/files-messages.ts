import { Type, type Static } from '@sinclair/typebox';

// Device files: what the hub asks an agent about the directories it declared (`--files`), and what
// the agent answers. The request travels as a `files` command on cmd/req (the doorbell); every
// answer and every byte travels over the hub's HTTPS server, authenticated by the device
// certificate, under a one-time transfer id and token (docs/DEVICE-FILES.md).

/** The command name an agent with declared roots answers. */
export const FILES_COMMAND = 'files';

/** Why an agent refused a file operation. Stable: the hub audits them and clients act on them. */
export const FILE_REFUSALS = [
  'not_declared',
  'path_outside_root',
  'invalid_path',
  'not_found',
  'not_a_regular_file',
  'not_a_directory',
  'root_read_only',
  'too_large',
  'hash_mismatch',
  'size_mismatch',
  'io_error',
  'busy',
] as const;
export type FileRefusal = (typeof FILE_REFUSALS)[number];

export const FILE_OPS = ['roots', 'list', 'stat', 'read', 'write', 'delete'] as const;
export type FileOp = (typeof FILE_OPS)[number];

/** Entries one list page holds at most: a page must fit the hub's outcome limit. */
export const MAX_FILE_LIST_PAGE = 500;
/** A relative path inside a root: at most this many bytes. */
export const MAX_FILE_PATH = 1024;
export const FILE_ROOT_NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

/** The `args` of a `files` command. */
export const FilesCommandArgs = Type.Object(
  {
    op: Type.Union(FILE_OPS.map((o) => Type.Literal(o))),
    /** Base URL of the hub's HTTPS server the agent answers on. */
    hub: Type.String({ minLength: 8, maxLength: 512, pattern: '^https://' }),
    transfer: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
    token: Type.String({ pattern: '^[A-Za-z0-9_-]{32,128}$' }),
    root: Type.Optional(Type.String({ pattern: FILE_ROOT_NAME })),
    path: Type.Optional(Type.String({ maxLength: MAX_FILE_PATH })),
    after: Type.Optional(Type.String({ maxLength: 255 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_FILE_LIST_PAGE })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
    size: Type.Optional(Type.Integer({ minimum: 0 })),
    sha256: Type.Optional(Sha256),
    mode: Type.Optional(Type.Integer({ minimum: 0, maximum: 0o777 })),
  },
  { additionalProperties: false },
);
export type FilesCommandArgs = Static<typeof FilesCommandArgs>;

export const FILE_TYPES = ['file', 'directory', 'symlink', 'fifo', 'socket', 'char-device', 'block-device', 'other'];
export const FileEntry = Type.Object(
  {
    name: Type.String({ maxLength: 255 }),
    type: Type.String({ maxLength: 16 }),
    size: Type.Integer({ minimum: 0 }),
    /** Permission bits, e.g. 420 (0644). */
    mode: Type.Integer({ minimum: 0, maximum: 0o7777 }),
    mtime: Type.String({ maxLength: 32 }),
  },
  { additionalProperties: false },
);
export type FileEntry = Static<typeof FileEntry>;

export const FileRootInfo = Type.Object(
  {
    name: Type.String({ pattern: FILE_ROOT_NAME }),
    mode: Type.Union([Type.Literal('ro'), Type.Literal('rw')]),
    maxBytes: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type FileRootInfo = Static<typeof FileRootInfo>;

/** What an agent posts back for a transfer: the result of the operation, or why it refused. */
export const FileOutcome = Type.Object(
  {
    ok: Type.Boolean(),
    roots: Type.Optional(Type.Array(FileRootInfo, { maxItems: 64 })),
    entries: Type.Optional(Type.Array(FileEntry, { maxItems: MAX_FILE_LIST_PAGE })),
    /** Set when the listing goes on: pass it as `after` for the next page. */
    next: Type.Optional(Type.String({ maxLength: 255 })),
    entry: Type.Optional(FileEntry),
    size: Type.Optional(Type.Integer({ minimum: 0 })),
    sha256: Type.Optional(Sha256),
    error: Type.Optional(
      Type.Object(
        {
          reason: Type.Union(FILE_REFUSALS.map((r) => Type.Literal(r))),
          message: Type.String({ maxLength: 512 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type FileOutcome = Static<typeof FileOutcome>;

/** Headers of the device's content upload (a `read`) and of the hub's answer to a download. */
export const FILE_HEADERS = {
  token: 'x-outpost-transfer-token',
  sha256: 'x-outpost-sha256',
  size: 'x-outpost-size',
  offset: 'x-outpost-offset',
  transfer: 'x-outpost-transfer',
  otp: 'x-outpost-otp',
} as const;

/** One recorded file transfer (download, upload, delete, or one device of a bulk pull). */
export type DeviceFileTransfer = {
  id: string;
  deviceId: string;
  root: string;
  path: string;
  op: 'read' | 'write' | 'delete';
  status: 'queued' | 'running' | 'succeeded' | 'refused' | 'failed' | 'timed_out' | 'offline';
  reason: string | null;
  message: string | null;
  size: number | null;
  sha256: string | null;
  offset: number;
  actor: string;
  pullId: string | null;
  createdAt: string;
  finishedAt: string | null;
};

/** A bulk pull and where each device stands. */
export type DeviceFilePull = {
  id: string;
  root: string;
  path: string;
  actor: string;
  devices: number;
  status: 'running' | 'done' | 'expired';
  createdAt: string;
  expiresAt: string;
  counts: Record<string, number>;
  items: DeviceFileTransfer[];
};
