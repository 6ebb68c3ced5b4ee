import {
  FILES_ROUTES as F,
  type DeviceFilePull,
  type DeviceFileTransfer,
  type FileEntry,
  type FileRootInfo,
} from '@outpost/protocol';
import type { RouteCaller } from './call-route.js';

/** Files in the directories a device declared; content moves through files-transfer.ts (Node) or the browser. */
export function filesApi(r: RouteCaller) {
  return {
    files: {
      roots: (id: string) => r<{ items: FileRootInfo[] }>(F.roots, { params: { id } }),
      list: (id: string, q: { root: string; path?: string; after?: string; limit?: number }) =>
        r<{ items: FileEntry[]; next?: string }>(F.list, { params: { id }, query: q }),
      stat: (id: string, q: { root: string; path: string }) => r<FileEntry>(F.stat, { params: { id }, query: q }),
      /** Deletes a file in a `rw` root; `otp` is the step-up code when the caller has a second factor. */
      remove: (id: string, q: { root: string; path: string; otp?: string }) =>
        r<{ transfer: string; entry?: FileEntry }>(F.remove, { params: { id }, body: q }),
      transfers: (id: string, limit?: number) =>
        r<{ items: DeviceFileTransfer[] }>(F.transfers, { params: { id }, query: { limit } }),
      /** The same path from many devices (ids, or a filter such as `group = "north"`), inside the caller's scope. */
      createPull: (q: { root: string; path: string; deviceIds?: string[]; filter?: string }) =>
        r<{ pullId: string; devices: number }>(F.createPull, { body: q }),
      pull: (pullId: string) => r<DeviceFilePull>(F.pull, { params: { id: pullId } }),
    },
  };
}
