import { useState } from 'react';
import { FILE_HEADERS, FILES_ROUTES, routeUrl } from '@outpost/protocol';
import type { FileEntry } from '../../../app/route-types.js';
import { loadRoute, useRoute } from '../../../app/use-route.js';
import { api, describeError, stepUpCode } from '../../../app/api.js';
import { useCan } from '../../../app/session.js';
import { useAction, useAsync } from '../../../app/use-async.js';
import { Empty, ErrorBox, Loading, Time } from '../../../ui/bits.js';
import { ConfirmAction } from '../../../ui/confirm-action.js';
import { DataTable, type Column } from '../../../ui/data-table.js';

const octal = (m: number) => `0${m.toString(8).padStart(3, '0')}`;
const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/**
 * Sends a file to a rw root: the browser streams the File as the body; the device checks the
 * hash the hub received before it renames the file into place. A stale second factor is asked
 * for once and sent with the retry.
 */
async function uploadFile(deviceId: string, root: string, path: string, file: File): Promise<void> {
  const url = routeUrl(FILES_ROUTES.upload, { id: deviceId }, { root, path });
  const send = (otp?: string) =>
    fetch(url, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/octet-stream', ...(otp ? { [FILE_HEADERS.otp]: otp } : {}) },
      body: file,
    });
  let res = await send();
  let body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  if (res.status === 403 && body.code === 'mfa_step_up_required') {
    const code = await stepUpCode();
    if (code) {
      res = await send(code);
      body = (await res.json().catch(() => ({}))) as typeof body;
    }
  }
  if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
}

/** The directories the device declared: browse, download, and for operators upload to and delete in rw roots. */
export function FilesPanel({ deviceId, online }: { deviceId: string; online: boolean }) {
  const can = useCan();
  const roots = useRoute(FILES_ROUTES.roots, { params: { id: deviceId } });
  const [root, setRoot] = useState<string | null>(null);
  const [dir, setDir] = useState('');
  const [version, setVersion] = useState(0);
  const listing = useAsync(
    () =>
      root
        ? loadRoute(FILES_ROUTES.list, { params: { id: deviceId }, query: { root, path: dir } })
        : Promise.resolve(null),
    [deviceId, root, dir, version],
  );
  const upload = useAction();
  const [picked, setPicked] = useState<File | null>(null);

  if (!online) return <Empty>The device is offline; its files can be browsed while it is connected.</Empty>;
  if (roots.loading && !roots.data) return <Loading />;
  if (roots.error) return <ErrorBox error={roots.error} />;
  const items = roots.data?.items ?? [];
  if (items.length === 0) return <Empty>This device declares no file roots (agent option --files).</Empty>;
  const current = items.find((r) => r.name === root);
  const writable = current?.mode === 'rw' && can('operator');
  const crumbs = dir ? dir.split('/') : [];

  const columns: Column<FileEntry>[] = [
    {
      key: 'name',
      header: 'Name',
      cell: (e) =>
        e.type === 'directory' ? (
          <button type="button" className="link" onClick={() => setDir(join(dir, e.name))}>
            {e.name}/
          </button>
        ) : (
          <span>{e.name}</span>
        ),
    },
    { key: 'type', header: 'Type', cell: (e) => e.type },
    { key: 'size', header: 'Size', cell: (e) => (e.type === 'file' ? e.size : '') },
    { key: 'mode', header: 'Mode', cell: (e) => <code>{octal(e.mode)}</code> },
    { key: 'mtime', header: 'Modified', cell: (e) => <Time iso={e.mtime} /> },
    {
      key: 'actions',
      header: '',
      cell: (e) =>
        e.type !== 'file' ? null : (
          <span className="row-actions">
            {can('operator') ? (
              <a
                href={routeUrl(FILES_ROUTES.download, { id: deviceId }, { root: root!, path: join(dir, e.name) })}
                download={e.name}
              >
                Download
              </a>
            ) : null}
            {writable ? (
              <ConfirmAction
                label="Delete"
                className="secondary"
                aria-label={`Delete ${e.name}`}
                data-mutates=""
                spec={{
                  title: `Delete ${e.name}`,
                  body: (
                    <>
                      Delete <code>{join(dir, e.name)}</code> in <code>{root}</code> on this device? It cannot be
                      brought back from here.
                    </>
                  ),
                  confirmLabel: 'Delete',
                  run: () => api.files.remove(deviceId, { root: root!, path: join(dir, e.name) }),
                  onDone: () => setVersion((v) => v + 1),
                }}
              />
            ) : null}
          </span>
        ),
    },
  ];

  return (
    <div className="stack" data-testid="files-panel">
      <div className="card" role="group" aria-label="Roots">
        {items.map((r) => (
          <button
            key={r.name}
            type="button"
            className={r.name === root ? '' : 'secondary'}
            aria-pressed={r.name === root}
            onClick={() => {
              setRoot(r.name);
              setDir('');
            }}
          >
            {r.name} ({r.mode})
          </button>
        ))}
      </div>
      {root ? (
        <>
          <nav aria-label="Directory" className="crumbs">
            <button type="button" className="link" onClick={() => setDir('')}>
              {root}
            </button>
            {crumbs.map((c, i) => (
              <span key={i}>
                {' / '}
                <button type="button" className="link" onClick={() => setDir(crumbs.slice(0, i + 1).join('/'))}>
                  {c}
                </button>
              </span>
            ))}
          </nav>
          {listing.error ? <ErrorBox error={listing.error} /> : null}
          {listing.data ? (
            <DataTable
              columns={columns}
              rows={listing.data.items}
              rowKey={(e) => e.name}
              label={`Files in ${root}/${dir}`}
              empty="This directory is empty."
            />
          ) : (
            <Loading />
          )}
          {listing.data?.next ? (
            <p className="muted small">More entries follow; the agent sends 200 at a time.</p>
          ) : null}
          {writable ? (
            <form
              className="card"
              aria-label="Upload a file"
              onSubmit={(ev) => {
                ev.preventDefault();
                if (!picked) return;
                void upload
                  .perform(() => uploadFile(deviceId, root, join(dir, picked.name), picked))
                  .then(() => setVersion((v) => v + 1));
              }}
            >
              <label htmlFor="files-upload">Upload to {join(root, dir)}/</label>
              <input id="files-upload" type="file" onChange={(ev) => setPicked(ev.target.files?.[0] ?? null)} />
              <button type="submit" data-mutates="" disabled={!picked || upload.busy}>
                Upload
              </button>
              {upload.error ? <p className="bad">{describeError(upload.error)}</p> : null}
            </form>
          ) : null}
        </>
      ) : (
        <p className="muted">Choose a root to browse.</p>
      )}
    </div>
  );
}
