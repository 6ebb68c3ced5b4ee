import { Readable } from 'node:stream';
import type { DeviceScope } from '../devices/index.js';
import type { DiagnosticsService } from './diagnostics.service.js';
import type { DiagnosticsStore, StoredResult } from './diagnostics.store.js';
import { zipStream, type ZipEntry } from '../../platform/zip-stream.js';

// Downloads of a run's results with whole outputs: one JSON document or a zip, both streamed a
// page of devices at a time so a run of thousands never sits in memory at once.

const PAGE = 50;

async function* pages(store: DiagnosticsStore, runId: string, ids: string[]): AsyncGenerator<StoredResult[]> {
  for (let i = 0; i < ids.length; i += PAGE) yield await store.resultsOf(runId, ids.slice(i, i + PAGE), null);
}

const plain = ({ stdoutLength: _o, stderrLength: _e, runId: _r, ...r }: StoredResult) => r;

export function createDiagnosticsExport(service: DiagnosticsService, store: DiagnosticsStore) {
  return {
    async json(scope: DeviceScope, runId: string): Promise<AsyncGenerator<string>> {
      const { run, ids } = await service.visible(scope, runId);
      return (async function* () {
        yield `{"run":${JSON.stringify(run)},"results":[`;
        let first = true;
        for await (const page of pages(store, runId, ids))
          for (const r of page) {
            yield (first ? '' : ',') + JSON.stringify(plain(r));
            first = false;
          }
        yield ']}\n';
      })();
    },

    async zip(scope: DeviceScope, runId: string, now: Date): Promise<AsyncGenerator<Buffer>> {
      const { run, ids } = await service.visible(scope, runId);
      const entry = (name: string, text: string): ZipEntry => ({
        name,
        mtime: now,
        open: () => Readable.from([Buffer.from(text)]),
      });
      async function* entries(): AsyncGenerator<ZipEntry> {
        yield entry('run.json', JSON.stringify({ ...run, devicesInDownload: ids.length }, null, 2));
        for await (const page of pages(store, runId, ids))
          for (const r of page) {
            const { stdout, stderr, ...meta } = plain(r);
            yield entry(`${r.deviceId}/result.json`, JSON.stringify(meta, null, 2));
            yield entry(`${r.deviceId}/stdout.txt`, stdout);
            yield entry(`${r.deviceId}/stderr.txt`, stderr);
          }
      }
      return zipStream(entries());
    },
  };
}
